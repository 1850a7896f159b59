import type { Lang } from '../format';

/** Yuan text from the API ("-12.30") shown with its sign and the currency: −¥12.30. */
export function money(text: string, lang: Lang): string {
  const negative = text.startsWith('-');
  const [whole = '0', fen = '00'] = text.replace('-', '').split('.');
  const grouped = Number(whole).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US');
  return `${negative ? '−' : ''}¥${grouped}.${fen}`;
}

/** "wechat_openid:o-abc" is an external id; anything else is read as a phone number. */
export function lookupOf(text: string): { phone: string } | { kind: string; value: string } {
  const at = text.indexOf(':');
  const kind = text.slice(0, at).trim();
  return at > 0 && /^[a-z][a-z0-9_]+$/.test(kind)
    ? { kind, value: text.slice(at + 1).trim() }
    : { phone: text.trim() };
}
