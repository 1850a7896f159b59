import { ZhongtaiError } from '../model/index.js';

export { fenOf, yuan } from '../model/index.js';

/** The most one movement may carry: ¥1,000,000 (a wallet is not a bank account). */
const MAX_FEN = 100_000_000;

/**
 * Yuan as the API takes them ("12.30" or 12.3) to whole fen, read as text and never through a float's
 * arithmetic; more than two decimals, a sign, or an exponent is refused, naming the field.
 */
export function toFen(value: unknown, field: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  const fen = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : Number.NaN;
  if (!match || fen <= 0 || fen > MAX_FEN)
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `${field}: expected an amount of yuan above 0 and up to 1,000,000 with at most two decimals ("12.30"), got ${JSON.stringify(value)}`,
        zh: `${field}：金额须为大于 0、不超过 1,000,000 元、最多两位小数的数（如 "12.30"），收到 ${JSON.stringify(value)}`,
      },
      { field },
    );
  return fen;
}
