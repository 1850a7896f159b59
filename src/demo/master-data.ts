import type { CalendarDay } from '../model/index.js';
import { isoDate, parseIsoDate } from '../model/index.js';
import type { Cell } from '../warehouse/index.js';
import { BRAND_PARTS, CATEGORIES, SUPPLIER_TRADE } from './categories.js';
import { FORMATS, type FormatProfile, REGIONS, STREETS, type StoreFormat } from './formats.js';
import { between, pick, pickWeighted, seededRandom } from './random.js';

type Rows = Record<string, Cell>[];
const DAY_MS = 86_400_000;
const round2 = (value: number) => Math.round(value * 100) / 100;
/** 1..53: the week of the year a Monday falls in, counted from the year's first day. */
const weekOfYear = (date: string) =>
  1 + Math.floor((parseIsoDate(date) - parseIsoDate(`${date.slice(0, 4)}-01-01`)) / (7 * DAY_MS));

export interface DemoWindow {
  start: string;
  end: string;
}

/** Stores across regions and cities; most open before the window, a few open or close inside it. */
export function makeStores(count: number, seed: number, window: DemoWindow): Rows {
  const random = seededRandom(seed * 31 + 1);
  const closings = seededRandom(seed * 31 + 7);
  const startMs = parseIsoDate(window.start);
  const endMs = parseIsoDate(window.end);
  const span = endMs - startMs;
  const names = new Set<string>();
  const rows: Rows = [];
  for (let i = 1; i <= count; i++) {
    // The first stores cover every format, so even a tiny chain has all four.
    const profile =
      i <= FORMATS.length
        ? (FORMATS[i - 1] as FormatProfile)
        : pickWeighted(
            random,
            FORMATS.map((f) => [f, f.share] as const),
          );
    const [region, , cities] = pickWeighted(
      random,
      REGIONS.map((r) => [r, r[1]] as const),
    );
    const city = pick(random, cities);
    let name = `${profile.brand}·${city}${pick(random, STREETS)}店`;
    for (let n = 2; names.has(name); n++) name = name.replace(/(\d+)?店$/, `${n}店`);
    names.add(name);
    const roll = random();
    const openMs =
      roll < 0.12 && span > 200 * DAY_MS
        ? startMs + Math.floor((between(random, 0.15, 0.6) * span) / DAY_MS) * DAY_MS
        : startMs - Math.floor(between(random, 120, 3000)) * DAY_MS;
    // Small shops churn; a supermarket or department store closing is rare enough to leave out. The draw of
    // earlier versions is kept where they drew, so a seed still makes the same stores as before.
    const small = profile.format === 'convenience' || profile.format === 'fresh';
    const closes = roll > 0.95 && small && span > 200 * DAY_MS;
    const earlierDraw = roll > 0.97 && span > 200 * DAY_MS ? between(random, 20, 150) : null;
    const closeDays = earlierDraw ?? between(closings, 20, 150);
    rows.push({
      store_id: i,
      code: `S${String(i).padStart(4, '0')}`,
      name,
      format: profile.format,
      region,
      city,
      open_date: isoDate(openMs),
      close_date: closes ? isoDate(endMs - Math.floor(closeDays) * DAY_MS) : null,
      selling_area_m2: Math.round(between(random, ...profile.areaM2)),
    });
  }
  return rows;
}

const PROVINCES = [
  '浙江',
  '江苏',
  '山东',
  '广东',
  '福建',
  '四川',
  '河南',
  '湖北',
  '上海',
  '北京',
  '云南',
  '黑龙江',
];

export interface SupplierBase {
  rows: Rows;
  /** Supplier ids of each category level 2: a supplier is in one trade, as real ones are. */
  byCategory: Map<string, number[]>;
}

/** Suppliers, each specialised in one category level 2 (a 果业 company supplies fruit, not baijiu). */
export function makeSuppliers(count: number, seed: number): SupplierBase {
  const random = seededRandom(seed * 31 + 2);
  const l2s = [...new Set(CATEGORIES.map((c) => c.l2))];
  const byCategory = new Map<string, number[]>();
  const names = new Set<string>();
  const rows: Rows = [];
  for (let i = 0; i < Math.max(count, l2s.length); i++) {
    const l2 = l2s[i % l2s.length] as string;
    let name = '';
    do {
      name = `${pick(random, PROVINCES)}${pick(random, BRAND_PARTS[0])}${pick(random, BRAND_PARTS[1])}${SUPPLIER_TRADE[l2] ?? '贸易有限公司'}`;
    } while (names.has(name) && names.size < 5000);
    names.add(name);
    rows.push({ supplier_id: i + 1, code: `V${String(i + 1).padStart(4, '0')}`, name });
    byCategory.set(l2, [...(byCategory.get(l2) ?? []), i + 1]);
  }
  return { rows, byCategory };
}

/** Products named as shelves label them — brand, kind, specification — with their category's case size. */
export function makeProducts(count: number, suppliers: SupplierBase, seed: number): Rows {
  const random = seededRandom(seed * 31 + 3);
  const brandsByL2 = new Map<string, string[]>();
  const names = new Set<string>();
  const rows: Rows = [];
  for (let sku = 1; sku <= count; sku++) {
    const leaf = CATEGORIES[(sku - 1) % CATEGORIES.length] ?? CATEGORIES[0];
    if (!leaf) throw new Error('no categories');
    let brands = brandsByL2.get(leaf.l2);
    if (!brands) {
      brands = Array.from(
        { length: 6 },
        () => `${pick(random, BRAND_PARTS[0])}${pick(random, BRAND_PARTS[1])}`,
      );
      brandsByL2.set(leaf.l2, brands);
    }
    let brand = '';
    let name = '';
    for (let attempt = 0; attempt < 20 && (!name || names.has(name)); attempt++) {
      brand = pick(random, brands);
      const [kind = '', own] = pick(random, leaf.kinds).split(':');
      name = `${brand} ${kind} ${pick(random, own ? own.split(',') : leaf.specs)}`;
    }
    for (let n = 2; names.has(name); n++) name = name.replace(/( 款\d+)?$/, ` 款${n}`);
    names.add(name);
    const price = round2(between(random, ...leaf.price));
    const margin = between(random, ...leaf.margin);
    rows.push({
      sku,
      code: `P${String(sku).padStart(6, '0')}`,
      name,
      category_l1: leaf.l1,
      category_l2: leaf.l2,
      category_l3: leaf.l3,
      brand,
      supplier_id: pick(random, suppliers.byCategory.get(leaf.l2) ?? [1]),
      unit: leaf.unit,
      shelf_life_days: leaf.shelfLifeDays ? Math.round(between(random, ...leaf.shelfLifeDays)) : null,
      list_price: price,
      unit_cost: round2(price * (1 - margin)),
      pack_size: leaf.pack,
    });
  }
  return rows;
}

/**
 * Which SKUs each format lists, ranked by popularity (rank 0 sells most); cheap items sell more often.
 * The last ranks are the format's slow tail (`slowTail`).
 */
export function makeAssortment(products: Rows, seed: number): Rows {
  const random = seededRandom(seed * 31 + 4);
  const rows: Rows = [];
  for (const profile of FORMATS) {
    const listed = products
      .filter((p) => {
        const depth = profile.assortment[String(p.category_l1)] ?? 0;
        return random() < depth;
      })
      .map((p) => ({ sku: p.sku, popularity: random() / Number(p.list_price) ** profile.priceSensitivity }))
      .sort((a, b) => b.popularity - a.popularity);
    for (const [rank, p] of listed.entries()) rows.push({ assort: profile.format, rank, sku: p.sku ?? null });
  }
  return rows;
}

/**
 * Weekly category promotions plus the chain-wide festivals every Chinese retailer runs. The weekly
 * plan repeats by week of the year, as a chain's promotion calendar does, so a year-over-year
 * comparison sets like against like.
 */
export function makePromotions(calendar: CalendarDay[], window: DemoWindow, seed: number): Rows {
  const l1s = [...new Set(CATEGORIES.map((c) => c.l1))];
  const rows: Rows = [];
  let id = 1;
  const inWindow = calendar.filter((d) => d.date >= window.start && d.date <= window.end);
  for (const day of inWindow) {
    if (day.weekday === 1) {
      const random = seededRandom(seed * 31 + 5 + 1000 * weekOfYear(day.date));
      for (const l1 of [pick(random, l1s), pick(random, l1s)]) {
        rows.push({
          promotion_id: id++,
          name: `${l1}周促销 ${day.date}`,
          category_l1: l1,
          start_date: day.date,
          end_date: isoDate(parseIsoDate(day.date) + 6 * DAY_MS),
          discount_pct: round2(between(random, 0.08, 0.2)),
        });
      }
    }
  }
  for (const [name, start, end] of festivals(window)) {
    rows.push({
      promotion_id: id++,
      name,
      category_l1: null,
      start_date: start,
      end_date: end,
      discount_pct: 0.1,
    });
  }
  return rows;
}

/** The shopping festivals inside the window: 618, Double 11, Golden Week, Spring Festival goods fair. */
export function festivals(window: DemoWindow): [string, string, string][] {
  const out: [string, string, string][] = [];
  const first = Number(window.start.slice(0, 4));
  const last = Number(window.end.slice(0, 4));
  for (let year = first; year <= last; year++) {
    out.push([`618年中大促 ${year}`, `${year}-06-01`, `${year}-06-18`]);
    out.push([`双11 ${year}`, `${year}-11-01`, `${year}-11-11`]);
    out.push([`国庆黄金周 ${year}`, `${year}-10-01`, `${year}-10-07`]);
  }
  return out.filter(([, start, end]) => end >= window.start && start <= window.end);
}

export function makeCampaigns(calendar: CalendarDay[], window: DemoWindow, seed: number): Rows {
  const random = seededRandom(seed * 31 + 6);
  const springFestivals = calendar.filter(
    (d) => d.spring_festival_offset === 0 && d.date >= window.start && d.date <= window.end,
  );
  const list: [string, string, string, string][] = festivals(window).map(([name, start, end]) => [
    name,
    'festival',
    start,
    end,
  ]);
  for (const day of springFestivals) {
    const ms = parseIsoDate(day.date);
    list.push([`春节年货节 ${day.year}`, 'festival', isoDate(ms - 21 * DAY_MS), isoDate(ms + 5 * DAY_MS)]);
  }
  const months = new Set(
    calendar.filter((d) => d.date >= window.start && d.date <= window.end).map((d) => d.date.slice(0, 7)),
  );
  for (const month of months) list.push([`会员日 ${month}`, 'member_day', `${month}-18`, `${month}-18`]);
  const rows: Rows = list
    .sort((a, b) => a[2].localeCompare(b[2]))
    .map(([name, type, start, end], i) => ({
      campaign_id: i + 1,
      name,
      type,
      start_date: start,
      end_date: end,
      budget: Math.round(between(random, 20, 300)) * 1000,
      other_cost: null,
    }));
  // The targeted experiments come last, so the chain's other campaigns keep their ids.
  return [
    ...rows,
    ...plantedCampaigns(window).map((c, i) => ({
      campaign_id: rows.length + i + 1,
      name: c.name,
      type: 'targeted',
      start_date: c.start,
      end_date: c.end,
      budget: null,
      other_cost: null,
    })),
  ];
}

/**
 * Campaigns with a known truth, for the evaluation to recover: an audience of members split at random into the
 * targeted and a hold-out; the targeted of one gain extra orders (a coupon that brings members back), those of the
 * other nothing (a message nobody acts on). Fourteen days each, after a pre-period as long, late in the window.
 */
export interface PlantedCampaign {
  name: string;
  start: string;
  end: string;
  /** The chance a targeted member places one extra order in the campaign (0: no effect). */
  uplift: number;
  /** The face of the coupon sent to each targeted member (CNY), or 0 for a message without one. */
  couponFace: number;
}

export function plantedCampaigns(window: DemoWindow): PlantedCampaign[] {
  const end = parseIsoDate(window.end);
  if (end - parseIsoDate(window.start) < 90 * DAY_MS) return [];
  const days = (from: number, to: number) => [isoDate(end - from * DAY_MS), isoDate(end - to * DAY_MS)];
  const [winBackStart, winBackEnd] = days(45, 32) as [string, string];
  const [newsStart, newsEnd] = days(24, 11) as [string, string];
  return [
    { name: '沉睡会员唤醒券（实验）', start: winBackStart, end: winBackEnd, uplift: 0.3, couponFace: 10 },
    { name: '新品资讯短信（实验）', start: newsStart, end: newsEnd, uplift: 0, couponFace: 0 },
  ];
}

/**
 * The chain's one deliberate change of range, for analysts to find: from the first of a month about
 * four months before the end, the supermarkets of one region drop general merchandise (百货) to make
 * room for fresh food (a common 调改 of Chinese supermarkets). The region's margin falls by mix alone.
 * The region chosen has supermarkets and no department store, so 百货 vanishes from it entirely, and
 * no supermarket opening or closing, so the range is what changes.
 */
export interface RangeChange {
  region: string;
  format: StoreFormat;
  category_l1: string;
  from: string;
}

export function rangeChange(stores: Rows, window: DemoWindow): RangeChange | null {
  const fromMs = parseIsoDate(window.end) - 120 * DAY_MS;
  const from = `${isoDate(fromMs).slice(0, 7)}-01`;
  // A year of the old range before it, or there is nothing to compare.
  if (parseIsoDate(from) - parseIsoDate(window.start) < 400 * DAY_MS) return null;
  const byRegion = new Map<string, { supermarkets: number; others: number; disqualified: boolean }>();
  for (const store of stores) {
    const region = String(store.region);
    const tally = byRegion.get(region) ?? { supermarkets: 0, others: 0, disqualified: false };
    if (store.format === 'supermarket') tally.supermarkets++;
    else tally.others++;
    // A department store keeps 百货 in the region; a supermarket opening or closing within the
    // compared year would change the mix by itself.
    const yearBefore = isoDate(parseIsoDate(from) - 400 * DAY_MS);
    const moves = store.close_date || String(store.open_date) > yearBefore;
    if (store.format === 'department_store' || (store.format === 'supermarket' && moves))
      tally.disqualified = true;
    byRegion.set(region, tally);
  }
  // Where supermarkets weigh most in the region, the change shows most.
  const candidates = [...byRegion.entries()]
    .filter(([, t]) => t.supermarkets > 0 && !t.disqualified)
    .sort(
      (a, b) =>
        b[1].supermarkets / (b[1].supermarkets + b[1].others) -
          a[1].supermarkets / (a[1].supermarkets + a[1].others) || a[0].localeCompare(b[0]),
    );
  const region = candidates[0]?.[0];
  return region ? { region, format: 'supermarket', category_l1: '百货', from } : null;
}
