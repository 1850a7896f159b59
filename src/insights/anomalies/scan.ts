import { type AnomalyDay, SCAN_KPIS, type ScanKpi } from '../../contract/index.js';
import { addDays, dataRange, runQuery } from '../../metrics/index.js';
import { ZhongtaiError } from '../../model/index.js';
import { type Engine, keptUntilWrite } from '../../warehouse/index.js';

/**
 * The daily anomaly scan (智能洞察): each store × KPI day of the last days against what two references expect. The
 * first is the store's peers — the stores of its format in other regions — read by median polish (the store's level
 * over the weeks before, the peers' median deviation each day), so what moves the whole chain (a holiday, 双11, a
 * chain-wide promotion) moves the reference too, and what hit a whole region is seen against stores it did not
 * touch. The second is the store's own past (its median on the same weekdays), a veto for days only the peers'
 * moves make odd. A day is flagged when it is far out against both, the same way; spreads are robust (MAD), so
 * an anomaly does not widen the range that judges it. Findings are ranked by the money the gap stands for.
 */
export interface ScanOptions {
  /** Days scanned, ending on `to` (default: the newest day with data). */
  days?: number;
  to?: string;
  /** Days before the scanned ones that set each series' expected range. */
  history?: number;
  /** How many robust standard deviations from its peers a day must be (¾ of it from its own past). */
  z?: number;
}

/** A store-day read for the scan: who and when, as a flagged day names them, and its totals. */
interface StoreDay
  extends Pick<AnomalyDay, 'storeId' | 'storeCode' | 'store' | 'format' | 'region' | 'date'> {
  net_sales: number | null;
  orders: number | null;
  gross_profit: number | null;
  visitors: number | null;
  instore_orders: number | null;
}

type Totals = Pick<StoreDay, 'net_sales' | 'orders' | 'gross_profit' | 'visitors' | 'instore_orders'>;

const DEFAULTS = { days: 7, history: 35, z: 4 };
/** Stores of the format in other regions needed to read a store against them alone. */
const PEERS = 3;
/** Below these a move is noise whatever the spread says: 8% for amounts, 1.5 points for rates. */
const MIN_RELATIVE = 0.08;
const MIN_POINTS = 0.015;

const ratioOf = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null);

/** The KPI of a store-day. */
function kpiOf(kpi: ScanKpi, t: Totals): number | null {
  switch (kpi) {
    case 'net_sales':
      return t.net_sales;
    case 'orders':
      return t.orders;
    case 'visitors':
      return t.visitors;
    case 'atv':
      return ratioOf(t.net_sales, t.orders);
    case 'gross_margin':
      return ratioOf(t.gross_profit, t.net_sales);
    case 'conversion_rate':
      return ratioOf(t.instore_orders, t.visitors);
  }
}

/** Rates are read in points; amounts and 客单价 on a log scale (a store twice the size moves twice as much). */
const inPoints = (kpi: ScanKpi) => kpi === 'gross_margin' || kpi === 'conversion_rate';
const toScale = (kpi: ScanKpi, v: number) => (inPoints(kpi) ? v : v > 0 ? Math.log(v) : null);
const fromScale = (kpi: ScanKpi, y: number) => (inPoints(kpi) ? y : Math.exp(y));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** The money a KPI's gap from its expected value stands for, at the store's own day. */
function impactOf(kpi: ScanKpi, day: StoreDay, actual: number, expected: number): number {
  const gap = Math.abs(actual - expected);
  const atv = ratioOf(day.net_sales, day.orders) ?? 0;
  switch (kpi) {
    case 'net_sales':
      return gap;
    case 'orders':
      return gap * atv;
    case 'visitors':
      return gap * (ratioOf(day.instore_orders, day.visitors) ?? 0) * atv;
    case 'atv':
      return gap * (day.orders ?? 0);
    case 'gross_margin':
      return gap * (day.net_sales ?? 0);
    case 'conversion_rate':
      return gap * (day.visitors ?? 0) * atv;
  }
}

/** Reads store-days of the whole chain (the reference needs every peer; callers narrow the findings). */
async function storeDays(engine: Engine, from: string, to: string): Promise<StoreDay[]> {
  const answer = await runQuery(engine, {
    metrics: ['net_sales', 'orders', 'gross_profit', 'visitors', 'conversion_rate'],
    dimensions: ['day', 'store_code', 'store', 'format', 'region'],
    timeRange: { from, to },
    limit: 100_000,
  });
  if (answer.meta.truncated)
    throw new ZhongtaiError('BAD_REQUEST', {
      en: 'Too many store-days to scan at once; scan fewer days',
      zh: '一次扫描的门店日过多，请缩短天数',
    });
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  // Grants name store ids; the answer names stores by code.
  const ids = new Map(
    (await engine.query('SELECT store_id, code FROM store')).map((r) => [String(r.code), Number(r.store_id)]),
  );
  return answer.rows.map((row) => {
    const visitors = num(row.visitors);
    const conversion = num(row.conversion_rate);
    return {
      storeId: ids.get(String(row.store_code)) ?? 0,
      storeCode: String(row.store_code),
      store: String(row.store),
      format: String(row.format),
      region: String(row.region),
      date: String(row.day).slice(0, 10),
      net_sales: num(row.net_sales),
      orders: num(row.orders),
      gross_profit: num(row.gross_profit),
      visitors,
      instore_orders: visitors !== null && conversion !== null ? conversion * visitors : null,
    };
  });
}

/**
 * A scan is kept until the warehouse's next write: a morning's anomaly rules (each recipient of each) and the
 * overview's feed read one scan, not one each (it is a query and a few hundred milliseconds of medians).
 */
const kept = keptUntilWrite<AnomalyDay[]>(50);

/** Flags the store × KPI days of the scanned window outside their expected range, largest money first. */
export async function scanAnomalies(engine: Engine, options: ScanOptions = {}): Promise<AnomalyDay[]> {
  const { days, history, z } = { ...DEFAULTS, ...options };
  const range = await dataRange(engine);
  if (!range) return [];
  const to = options.to ?? range.to;
  return kept(engine, JSON.stringify([to, days, history, z]), () => scan(engine, to, days, history, z));
}

async function scan(
  engine: Engine,
  to: string,
  days: number,
  history: number,
  z: number,
): Promise<AnomalyDay[]> {
  const from = addDays(to, 1 - days);
  const rows = await storeDays(engine, addDays(from, -history), to);

  const peers = peerSets(rows);
  const found: AnomalyDay[] = [];
  for (const kpi of SCAN_KPIS)
    for (const day of polish(rows, kpi, from, peers)) {
      if (day.row.date < from) continue;
      const floor = inPoints(kpi) ? MIN_POINTS : Math.log1p(MIN_RELATIVE);
      const width = Math.max(z * day.spread, floor);
      if (Math.abs(day.residual) <= width) continue;
      // Out of range against its peers and against its own past, the same way: a day only the peers' moves
      // make odd (they were hit, it was not) or only the calendar makes odd (the whole chain moved) is not one.
      // The second opinion is asked a little more loosely (¾ of z): it vetoes what the peers alone explain, it does
      // not re-judge the size.
      const ownWidth = Math.max(0.75 * z * day.ownSpread, floor);
      if (Math.abs(day.ownResidual) <= ownWidth || Math.sign(day.ownResidual) !== Math.sign(day.residual))
        continue;
      const expected = fromScale(kpi, day.fitted);
      found.push({
        storeId: day.row.storeId,
        storeCode: day.row.storeCode,
        store: day.row.store,
        format: day.row.format,
        region: day.row.region,
        date: day.row.date,
        kpi,
        actual: day.value,
        expected,
        low: fromScale(kpi, day.fitted - width),
        high: fromScale(kpi, day.fitted + width),
        direction: day.residual < 0 ? 'down' : 'up',
        score: day.spread > 0 ? Math.abs(day.residual) / day.spread : Number.POSITIVE_INFINITY,
        impact: impactOf(kpi, day.row, day.value, expected),
      });
    }
  return found.sort((a, b) => b.impact - a.impact);
}

interface PeerSet {
  stores: Set<string>;
  /** Peers of other formats: the store keeps its own weekday shape. */
  ownWeek: boolean;
}

/**
 * Each store's peers: the stores of its format in other regions, so what happens to a whole region (a price
 * error sent to its tills, a typhoon) is seen against stores it did not touch, and what happens to the chain is
 * not an anomaly anywhere. Fewer than three such stores: every store of other regions, the store's own week kept.
 */
function peerSets(rows: StoreDay[]): Map<string, PeerSet> {
  const stores = new Map<string, StoreDay>();
  for (const row of rows) stores.set(row.store, row);
  const sets = new Map<string, PeerSet>();
  for (const store of stores.values()) {
    const key = `${store.format}|${store.region}`;
    if (sets.has(key)) continue;
    const elsewhere = [...stores.values()].filter((s) => s.region !== store.region);
    const same = elsewhere.filter((s) => s.format === store.format);
    sets.set(
      key,
      same.length >= PEERS
        ? { stores: new Set(same.map((s) => s.store)), ownWeek: false }
        : { stores: new Set(elsewhere.map((s) => s.store)), ownWeek: true },
    );
  }
  return sets;
}

interface Fitted {
  row: StoreDay;
  value: number;
  /** On the KPI's scale (log for amounts, points for rates): store level + day effect. */
  fitted: number;
  residual: number;
  /** The store's robust spread of residuals over the history. */
  spread: number;
  /** Against the store's own past alone (same weekdays of the history). */
  ownResidual: number;
  ownSpread: number;
}

/**
 * Median polish of the store × day table: each store's level (its median over the history) and, per peer set,
 * each day's effect (the median of the peers' deviations that day), alternated a few times. Medians, so a peer's
 * bad day moves neither its level nor the reference of the stores it is a peer of.
 */
function polish(rows: StoreDay[], kpi: ScanKpi, from: string, peers: Map<string, PeerSet>): Fitted[] {
  const cells = rows.flatMap((row) => {
    const value = kpiOf(kpi, row);
    const y = value === null ? null : toScale(kpi, value);
    return y === null || value === null ? [] : [{ row, value, y }];
  });
  const stores = new Map<string, typeof cells>();
  const days = new Map<string, typeof cells>();
  for (const cell of cells) {
    stores.set(cell.row.store, [...(stores.get(cell.row.store) ?? []), cell]);
    days.set(cell.row.date, [...(days.get(cell.row.date) ?? []), cell]);
  }
  const setOf = (row: StoreDay) => `${row.format}|${row.region}`;
  const level = new Map<string, number>();
  // Per peer set and day: the day's effect on the stores that set is the reference of.
  let effect = new Map<string, number>();
  const effectOf = (row: StoreDay, date: string) => effect.get(`${setOf(row)}|${date}`) ?? 0;
  for (let round = 0; round < 3; round++) {
    for (const [store, own] of stores) {
      const past = own.filter((c) => c.row.date < from).map((c) => c.y - effectOf(c.row, c.row.date));
      if (past.length) level.set(store, median(past));
    }
    const next = new Map<string, number>();
    for (const [key, set] of peers)
      for (const [date, same] of days) {
        const deviations = same.flatMap((c) => {
          const l = level.get(c.row.store);
          return l === undefined || !set.stores.has(c.row.store) ? [] : [c.y - l];
        });
        if (deviations.length) next.set(`${key}|${date}`, median(deviations));
      }
    effect = next;
  }
  const out: Fitted[] = [];
  for (const [store, own] of stores) {
    const l = level.get(store);
    const past = own.filter((c) => c.row.date < from);
    const first = own[0];
    if (l === undefined || !first || past.length < 21) continue;
    // Read against other formats, a store keeps its own week (a department store's Saturday is not a
    // convenience store's): the median of its residuals on that weekday, judged out of sample (each day against
    // the others' median) so the fit does not shrink the spread.
    const dow = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
    const weekday = new Map<number, { date: string; r: number }[]>();
    if (peers.get(setOf(first.row))?.ownWeek)
      for (const c of past) {
        const d = dow(c.row.date);
        weekday.set(d, [
          ...(weekday.get(d) ?? []),
          { date: c.row.date, r: c.y - l - effectOf(c.row, c.row.date) },
        ]);
      }
    const expectedAt = (row: StoreDay, leaveOut = false) => {
      const same = (weekday.get(dow(row.date)) ?? []).filter((w) => !(leaveOut && w.date === row.date));
      return l + effectOf(row, row.date) + (same.length ? median(same.map((w) => w.r)) : 0);
    };
    // The spread over every day read, the scanned ones too: a median, so a few anomalous days do not widen it,
    // and the newest weeks say how noisy the store is now.
    const spread = 1.4826 * median(own.map((c) => Math.abs(c.y - expectedAt(c.row, true))));
    // The store against its own past alone (its level and weekday shape): a second opinion, for when the peers
    // are moved themselves (most of a format's stores in the region an event hit).
    const byWeekday = new Map<number, { date: string; y: number }[]>();
    for (const c of past)
      byWeekday.set(dow(c.row.date), [
        ...(byWeekday.get(dow(c.row.date)) ?? []),
        { date: c.row.date, y: c.y },
      ]);
    const ownLevel = median(past.map((c) => c.y));
    const alone = (row: StoreDay, leaveOut = false) => {
      const same = (byWeekday.get(dow(row.date)) ?? []).filter((w) => !(leaveOut && w.date === row.date));
      return same.length ? median(same.map((w) => w.y)) : ownLevel;
    };
    const ownSpread = 1.4826 * median(past.map((c) => Math.abs(c.y - alone(c.row, true))));
    for (const c of own) {
      const fitted = expectedAt(c.row);
      out.push({
        row: c.row,
        value: c.value,
        fitted,
        residual: c.y - fitted,
        spread,
        ownResidual: c.y - alone(c.row),
        ownSpread,
      });
    }
  }
  return out;
}
