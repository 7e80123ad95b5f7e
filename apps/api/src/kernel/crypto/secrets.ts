import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** A purpose-bound key derived from the app secret, so one leaked use cannot forge another. */
export function deriveKey(appSecret: string, purpose: string): Buffer {
  const id = `${purpose}\u0000${appSecret}`;
  let key = derived.get(id);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', appSecret, 'overture', purpose, 32));
    if (derived.size > 100) derived.clear();
    derived.set(id, key);
  }
  return key;
}

// Every tracked link is signed: derive each purpose's key once, not per link.
const derived = new Map<string, Buffer>();

/** AES-256-GCM; the output `iv.tag.ciphertext` (base64url) is what the database stores. */
export function encryptSecret(appSecret: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(appSecret, 'secrets-at-rest'), iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
}

export function decryptSecret(appSecret: string, stored: string): string {
  const [iv, tag, data] = stored.split('.');
  if (iv === undefined || tag === undefined || data === undefined) throw new Error('Stored secret is not in iv.tag.ciphertext form');
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(appSecret, 'secrets-at-rest'), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
