import type { PromotionRecord, PromotionRecordInput } from '../api';

/**
 * The promotion editor's fields as text, and back: what a marketer types (tiers as "100:20, 200:50", SKUs as
 * "1001, 1002") to the promotion the API takes. The server checks the whole and answers in words; this only
 * shapes it.
 */
export interface PromotionFields {
  id: string;
  nameZh: string;
  nameEn: string;
  kind: PromotionRecordInput['promotion']['kind'];
  /** percent (percent_off, nth_discount), amount (amount_off), price (n_for_price, bundle) */
  value: string;
  /** n (n_for_price, nth_discount), buy (buy_x_get_y) */
  n: string;
  /** 满减 tiers "100:20, 200:50"; member prices "1001:7.9"; bundle items "1001x1, 1002x1"; gift "9001x1" */
  list: string;
  repeat: boolean;
  skus: string;
  categories: string;
  channels: string[];
  tiers: string[];
  from: string;
  to: string;
  group: string;
  exclusive: boolean;
  budget: string;
  perMember: string;
  active: boolean;
}

export const BLANK: PromotionFields = {
  id: '',
  nameZh: '',
  nameEn: '',
  kind: 'spend_save',
  value: '',
  n: '2',
  list: '100:10',
  repeat: false,
  skus: '',
  categories: '',
  channels: [],
  tiers: [],
  from: '',
  to: '',
  group: '',
  exclusive: false,
  budget: '',
  perMember: '',
  active: true,
};

const split = (text: string) =>
  text
    .split(/[,，\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
const pairs = (text: string, sep: RegExp) => split(text).map((item) => item.split(sep).map((x) => x.trim()));
const numbers = (text: string) => split(text).map(Number);

export function recordOf(f: PromotionFields): PromotionRecordInput {
  const common = {
    id: f.id.trim(),
    name: { zh: f.nameZh.trim(), en: (f.nameEn || f.nameZh).trim() },
    scope: {
      ...(f.skus.trim() ? { skus: numbers(f.skus) } : {}),
      ...(f.categories.trim() ? { categories: split(f.categories) } : {}),
      ...(f.channels.length ? { channels: f.channels } : {}),
      ...(f.tiers.length ? { tiers: f.tiers } : {}),
      ...(f.from ? { from: f.from } : {}),
      ...(f.to ? { to: f.to } : {}),
    },
    ...(f.group.trim() ? { group: f.group.trim() } : {}),
    exclusive: f.exclusive,
  };
  const promotion = (() => {
    switch (f.kind) {
      case 'percent_off':
        return { ...common, kind: f.kind, percent: Number(f.value) };
      case 'amount_off':
        return { ...common, kind: f.kind, amount: f.value };
      case 'spend_save':
        return {
          ...common,
          kind: f.kind,
          tiers: pairs(f.list, /[:：]/).map(([spend = '', save = '']) => ({ spend, save })),
          repeat: f.repeat,
        };
      case 'n_for_price':
        return { ...common, kind: f.kind, n: Number(f.n), price: f.value };
      case 'nth_discount':
        return { ...common, kind: f.kind, n: Number(f.n), percent: Number(f.value) };
      case 'buy_x_get_y': {
        const [gift = '', get = '1'] = split(f.list)[0]?.split(/[x×*]/) ?? [];
        return { ...common, kind: f.kind, buy: Number(f.n), gift: Number(gift), get: Number(get) };
      }
      case 'member_price':
        return {
          ...common,
          kind: f.kind,
          prices: pairs(f.list, /[:：]/).map(([sku = '', price = '']) => ({ sku: Number(sku), price })),
        };
      case 'bundle':
        return {
          ...common,
          kind: f.kind,
          items: pairs(f.list, /[x×*]/).map(([sku = '', qty = '1']) => ({
            sku: Number(sku),
            qty: Number(qty),
          })),
          price: f.value,
        };
    }
  })();
  return {
    promotion: promotion as PromotionRecordInput['promotion'],
    active: f.active,
    budget: f.budget.trim() ? f.budget.trim() : null,
    perMember: f.perMember.trim() ? Number(f.perMember) : null,
  };
}

/** A kept promotion back into the editor's fields. */
export function fieldsOf(r: PromotionRecord): PromotionFields {
  const p = r.promotion;
  const s = p.scope;
  const base: PromotionFields = {
    ...BLANK,
    id: p.id,
    nameZh: p.name.zh,
    nameEn: p.name.en,
    kind: p.kind,
    skus: (s.skus ?? []).join(', '),
    categories: (s.categories ?? []).join(', '),
    channels: s.channels ?? [],
    tiers: s.tiers ?? [],
    from: s.from ?? '',
    to: s.to ?? '',
    group: p.group ?? '',
    exclusive: p.exclusive,
    budget: r.budget ?? '',
    perMember: r.perMember === null ? '' : String(r.perMember),
    active: r.active,
  };
  switch (p.kind) {
    case 'percent_off':
      return { ...base, value: String(p.percent) };
    case 'amount_off':
      return { ...base, value: String(p.amount) };
    case 'spend_save':
      return { ...base, list: p.tiers.map((t) => `${t.spend}:${t.save}`).join(', '), repeat: p.repeat };
    case 'n_for_price':
      return { ...base, n: String(p.n), value: String(p.price) };
    case 'nth_discount':
      return { ...base, n: String(p.n), value: String(p.percent) };
    case 'buy_x_get_y':
      return { ...base, n: String(p.buy), list: `${p.gift}x${p.get}` };
    case 'member_price':
      return { ...base, list: p.prices.map((x) => `${x.sku}:${x.price}`).join(', ') };
    case 'bundle':
      return { ...base, list: p.items.map((x) => `${x.sku}x${x.qty}`).join(', '), value: String(p.price) };
  }
}

/** "1001 2 19.90" per line: a cart line for the simulator; lines that do not read are reported by number. */
export function cartOf(text: string): {
  lines: { sku: number; qty: number; unitPrice: string }[];
  bad: number[];
} {
  const lines: { sku: number; qty: number; unitPrice: string }[] = [];
  const bad: number[] = [];
  text
    .split('\n')
    .map((l) => l.trim())
    .forEach((line, i) => {
      if (!line) return;
      const [sku, qty, price] = line.split(/[\s,，]+/);
      if (!sku || !qty || !price || !/^\d+$/.test(sku) || !/^\d+$/.test(qty)) bad.push(i + 1);
      else lines.push({ sku: Number(sku), qty: Number(qty), unitPrice: price });
    });
  return { lines, bad };
}
