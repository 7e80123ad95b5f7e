// Regenerates src/demo/online-retail-sample.csv.gz: every invoice line of the customers whose id ends in 3
// (about a tenth of them), from the UCI "Online Retail" data set (D. Chen, CC BY 4.0).
import { createReadStream, createWriteStream } from 'node:fs';
import { createGunzip, createGzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const source = process.argv[2] ?? join(import.meta.dirname, '../../../../shared/data/online-retail.csv.gz');
const target = join(import.meta.dirname, '../src/demo/online-retail-sample.csv.gz');
const out = createGzip({ level: 9 });
out.pipe(createWriteStream(target));
let first = true;
let kept = 0;
for await (const line of createInterface({ input: createReadStream(source).pipe(createGunzip()) })) {
  if (first) {
    out.write(`${line}\n`);
    first = false;
    continue;
  }
  const customer = /,(\d+)(?:\.0)?,[^,]*$/.exec(line)?.[1];
  if (customer && customer.endsWith('3')) {
    out.write(`${line}\n`);
    kept++;
  }
}
out.end();
console.log(`kept ${kept} lines`);
