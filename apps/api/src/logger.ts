import { createHmac, randomBytes } from 'node:crypto';

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof levels;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

// Logs leave the process (files, log services): they carry no person's ids or addresses. A person's
// value becomes a keyed hash, the same within one process so that lines about one person still
// match up, and meaningless outside it (the key is never written anywhere).
const pseudonymKey = randomBytes(32);
export const pseudonym = (value: unknown): string => `ref_${createHmac('sha256', pseudonymKey).update(String(value)).digest('hex').slice(0, 12)}`;

/** Fields that name a person, in any of the spellings used across the code and Segment payloads. */
const personKey = /^(user_?id|anonymous_?id|profile_?id|email|e_?mail_?address|external_?id|phone)$/i;
/** Fields that hold a person's data wholesale: dropped. */
const personDataKey = /^(traits|properties|context|password|password_hash|token|cookie|authorization)$/i;
const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

function scrubString(s: string): string {
  return s.replace(emailPattern, (m) => pseudonym(m.toLowerCase()));
}

/** A URL's query and the id after /profiles/ name people; the rest of the path is kept. */
function scrubUrl(url: string): string {
  const [path = ''] = url.split('?');
  return scrubString(path.replace(/(\/profiles\/)([^/]+)/, (_m, p: string, id: string) => `${p}${pseudonym(decodeURIComponent(id))}`)) + (url.includes('?') ? '?…' : '');
}

function redact(value: unknown, key: string, depth: number): unknown {
  if (value === null || value === undefined) return value;
  if (personKey.test(key)) return pseudonym(value);
  if (personDataKey.test(key)) return '[redacted]';
  if (typeof value === 'string') return key === 'url' || key === 'path' ? scrubUrl(value) : scrubString(value);
  if (typeof value !== 'object') return value;
  if (depth >= 4) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => redact(v, key, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k, depth + 1)]));
}

export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redact(fields, '', 0) as Record<string, unknown>;
}

/** One JSON line per entry on stderr, so stdout stays free for CLI output. */
export function createLogger(level: LogLevel = 'info'): Logger {
  const min = levels[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (levels[lvl] < min) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: scrubString(msg), ...(fields ? redactFields(fields) : {}) })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
