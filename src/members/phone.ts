import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Queryable } from '../appstore/index.js';
import { ZhongtaiError } from '../model/index.js';

/** A mainland-China mobile number as people type it (spaces, dashes, +86), in its 11 digits; else an error. */
export function normalisePhone(input: string, field = 'phone'): string {
  const digits = input.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
  if (!/^1[3-9]\d{9}$/.test(digits))
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `${field}: not a mainland-China mobile number (11 digits starting 13–19): ${JSON.stringify(input)}`,
        zh: `${field}：不是有效的中国大陆手机号（以 13–19 开头的 11 位数字）：${JSON.stringify(input)}`,
      },
      { field },
    );
  return digits;
}

/** 138****1234: what a caller without `members.pii` sees. */
export const maskPhone = (phone: string): string => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

/**
 * Personal data at rest: phone numbers encrypted (AES-256-GCM) with a key kept apart from the rows, and
 * found again by a keyed digest (HMAC-SHA256), so the table alone reveals no number. The key comes from
 * ZHONGTAI_PII_KEY (32 bytes, base64) when set — keep it in the chain's secret store — else it is made
 * once and kept in the application store's secrets.
 */
export interface PiiKey {
  encrypt(phone: string): string;
  decrypt(sealed: string): string;
  digest(phone: string): string;
}

export async function piiKey(store: Queryable): Promise<PiiKey> {
  const key = await keyBytes(store);
  const lookup = createHmac('sha256', key).update('zhongtai member lookup').digest();
  return {
    encrypt(phone) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(phone, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    },
    decrypt(sealed) {
      const bytes = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    },
    digest: (phone) => createHmac('sha256', lookup).update(phone).digest('base64'),
  };
}

async function keyBytes(store: Queryable): Promise<Buffer> {
  const configured = process.env.ZHONGTAI_PII_KEY;
  if (configured) {
    const key = Buffer.from(configured, 'base64');
    if (key.length !== 32) throw new Error('ZHONGTAI_PII_KEY must be 32 bytes, base64');
    return key;
  }
  // First use: a fresh key; if two openers race, the first one written wins and both read it back.
  await store.query(
    "INSERT INTO app_secret (name, value) VALUES ('members.pii', $1) ON CONFLICT (name) DO NOTHING",
    [randomBytes(32).toString('base64')],
  );
  const [kept] = await store.query<{ value: string }>(
    "SELECT value FROM app_secret WHERE name = 'members.pii'",
  );
  return Buffer.from(kept?.value ?? '', 'base64');
}
