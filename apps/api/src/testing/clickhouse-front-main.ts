import { startClickhouseFront } from './clickhouse-http-front';

/**
 * Runs the chDB HTTP front as its own process: `tsx clickhouse-front-main.ts <dataDir> [port]`.
 * Prints one line `{"url": …}` once it listens; stops on SIGTERM, SIGINT or the end of its stdin.
 */
const [dataDir, port] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: clickhouse-front-main.ts <dataDir> [port]');
  process.exit(2);
}
const front = await startClickhouseFront({ dataDir, port: port ? Number(port) : 0 });
console.log(JSON.stringify({ url: front.url }));
const stop = () => void front.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// A test that starts it keeps its stdin open; when that test runner dies, the front goes too.
process.stdin.on('end', stop).resume();
