import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Queryable } from './store.js';

/**
 * A 32-byte key for one purpose (members' phones, channels' secrets): from the environment variable when set — kept
 * in the chain's secret store — else made once and kept in the application store's secrets. If two openers race on
 * first use, the first one written wins and both read it back.
 */
export async function storedKey(store: Queryable, name: string, envVar: string): Promise<Buffer> {
  const configured = process.env[envVar];
  if (configured) {
    const key = Buffer.from(configured, 'base64');
    if (key.length !== 32) throw new Error(`${envVar} must be 32 bytes, base64`);
    return key;
  }
  await store.query('INSERT INTO app_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    name,
    randomBytes(32).toString('base64'),
  ]);
  const [kept] = await store.query<{ value: string }>('SELECT value FROM app_secret WHERE name = $1', [name]);
  return Buffer.from(kept?.value ?? '', 'base64');
}

/** Text sealed with AES-256-GCM under a key (iv, tag and text together, base64): readable only with the key. */
export function seal(key: Buffer, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

export function unseal(key: Buffer, sealed: string): string {
  const bytes = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
}
