/** Money as exact text and whole fen, never through a float's arithmetic: the centers' and the analyses' one way. */

/** Yuan text as `yuan` (or a DECIMAL(18,2) cast to text) writes it, "-12.30", back to fen, exactly. */
export function fenOf(text: string): number {
  const [whole = '0', fen = '0'] = text.replace('-', '').split('.');
  const value = Number(whole) * 100 + Number(fen.padEnd(2, '0'));
  return text.startsWith('-') ? -value : value;
}

/** Fen as yuan text with two decimals: 1230 → "12.30", −5 → "-0.05". */
export function yuan(fen: number | string | bigint): string {
  const n = BigInt(fen);
  const abs = n < 0n ? -n : n;
  return `${n < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
