import type { CalendarDay } from '../model/index.js';
import { isoDate, parseIsoDate } from '../model/index.js';
import type { Cell } from '../warehouse/index.js';
import { BRAND_PARTS, CATEGORIES } from './categories.js';
import { FORMATS, type FormatProfile, REGIONS, STREETS } from './formats.js';
import { between, pick, pickWeighted, seededRandom } from './random.js';

type Rows = Record<string, Cell>[];
const DAY_MS = 86_400_000;
const round2 = (value: number) => Math.round(value * 100) / 100;

export interface DemoWindow {
  start: string;
  end: string;
}

/** Stores across regions and cities; most open before the window, a few open or close inside it. */
export function makeStores(count: number, seed: number, window: DemoWindow): Rows {
  const random = seededRandom(seed * 31 + 1);
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
    const closes = roll > 0.97 && span > 200 * DAY_MS;
    rows.push({
      store_id: i,
      code: `S${String(i).padStart(4, '0')}`,
      name,
      format: profile.format,
      region,
      city,
      open_date: isoDate(openMs),
      close_date: closes ? isoDate(endMs - Math.floor(between(random, 20, 150)) * DAY_MS) : null,
      selling_area_m2: Math.round(between(random, ...profile.areaM2)),
    });
  }
  return rows;
}

export function makeSuppliers(count: number, seed: number): Rows {
  const random = seededRandom(seed * 31 + 2);
  const kinds = [
    '食品有限公司',
    '农业合作社',
    '贸易有限公司',
    '日用品有限公司',
    '供应链管理有限公司',
    '果业有限公司',
  ];
  return Array.from({ length: count }, (_, i) => ({
    supplier_id: i + 1,
    code: `V${String(i + 1).padStart(4, '0')}`,
    name: `${pick(random, BRAND_PARTS[0])}${pick(random, BRAND_PARTS[1])}${pick(random, kinds)}`,
  }));
}

export function makeProducts(count: number, supplierCount: number, seed: number): Rows {
  const random = seededRandom(seed * 31 + 3);
  const brandsByL2 = new Map<string, string[]>();
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
    const brand = pick(random, brands);
    const price = round2(between(random, ...leaf.price));
    const margin = between(random, ...leaf.margin);
    const size = leaf.unit === 'kg' ? '' : ` ${pick(random, ['小份', '标准装', '家庭装', '量贩装'])}`;
    rows.push({
      sku,
      code: `P${String(sku).padStart(6, '0')}`,
      name: `${brand}${leaf.l3}${size} #${sku}`,
      category_l1: leaf.l1,
      category_l2: leaf.l2,
      category_l3: leaf.l3,
      brand,
      supplier_id: 1 + Math.floor(random() * supplierCount),
      unit: leaf.unit,
      shelf_life_days: leaf.shelfLifeDays ? Math.round(between(random, ...leaf.shelfLifeDays)) : null,
      list_price: price,
      unit_cost: round2(price * (1 - margin)),
      pack_size: leaf.unit === 'kg' ? 1 : pick(random, [1, 6, 12, 24]),
    });
  }
  return rows;
}

/** Which SKUs each format lists, ranked by popularity (rank 0 sells most); cheap items sell more often. */
export function makeAssortment(products: Rows, seed: number): Rows {
  const random = seededRandom(seed * 31 + 4);
  const rows: Rows = [];
  for (const profile of FORMATS) {
    const listed = products
      .filter((p) => {
        const depth = profile.assortment[String(p.category_l1)] ?? 0;
        return random() < depth;
      })
      .map((p) => ({ sku: p.sku, popularity: random() / Number(p.list_price) ** 0.8 }))
      .sort((a, b) => b.popularity - a.popularity);
    for (const [rank, p] of listed.entries()) rows.push({ format: profile.format, rank, sku: p.sku ?? null });
  }
  return rows;
}

/** Weekly category promotions plus the chain-wide festivals every Chinese retailer runs. */
export function makePromotions(calendar: CalendarDay[], window: DemoWindow, seed: number): Rows {
  const random = seededRandom(seed * 31 + 5);
  const l1s = [...new Set(CATEGORIES.map((c) => c.l1))];
  const rows: Rows = [];
  let id = 1;
  const inWindow = calendar.filter((d) => d.date >= window.start && d.date <= window.end);
  for (const day of inWindow) {
    if (day.weekday === 1) {
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
  return list
    .sort((a, b) => a[2].localeCompare(b[2]))
    .map(([name, type, start, end], i) => ({
      campaign_id: i + 1,
      name,
      type,
      start_date: start,
      end_date: end,
      budget: Math.round(between(random, 20, 300)) * 1000,
    }));
}
