import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { ZhongtaiError } from '../../model/index.js';

// scrypt (RFC 7914) from Node's own crypto: memory-hard, no native add-on to build. N = 2^15 costs about
// 50–100 ms and 32 MiB a check here, enough to make guessing slow and little enough for sign-in.
const N = 32_768;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$key`, so the cost can be raised later without breaking stored hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Long enough to resist guessing at our lockout rate; no composition rules (NIST SP 800-63B). */
export function checkPasswordStrength(password: string, username: string): void {
  const weak = (en: string, zh: string) =>
    new ZhongtaiError('BAD_REQUEST', { en, zh }, { field: 'password' });
  if (password.length < 10) throw weak('The password needs at least 10 characters', '密码至少需要 10 个字符');
  if (password.length > 256)
    throw weak('The password is longer than 256 characters', '密码不能超过 256 个字符');
  if (password.toLowerCase().includes(username.toLowerCase()))
    throw weak('The password must not contain the user name', '密码不能包含用户名');
  if (new Set(password).size < 4)
    throw weak('The password repeats too few characters', '密码所用字符过于单一');
}

/** A password people are given once (demo users, resets): 16 characters from an unambiguous alphabet. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
}
