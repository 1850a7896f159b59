import { createHmac } from 'node:crypto';
import { type Queryable, seal, storedKey, unseal } from '../appstore/index.js';
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
    encrypt: (phone) => seal(key, phone),
    decrypt: (sealed) => unseal(key, sealed),
    digest: (phone) => createHmac('sha256', lookup).update(phone).digest('base64'),
  };
}

const keyBytes = (store: Queryable): Promise<Buffer> => storedKey(store, 'members.pii', 'ZHONGTAI_PII_KEY');
