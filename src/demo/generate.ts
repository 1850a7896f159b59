import { phaseTargets } from '../alerts/index.js';
import { evaluateCampaigns, saveCampaignResults, scoreMembers } from '../insights/index.js';
import { buildCalendar, isoDate, parseIsoDate, TABLES, ZhongtaiError } from '../model/index.js';
import { insertRows, noteChangedFact, seedStoreHistory, type Warehouse } from '../warehouse/index.js';
import * as anomalies from './anomalies-sql.js';
import { anomalyWindows, type PlantedAnomaly } from './anomalies-sql.js';
import * as campaigns from './campaigns-sql.js';
import * as facts from './facts-sql.js';
import { CHANNELS, FORMATS } from './formats.js';
import {
  makeAssortment,
  makeCampaigns,
  makeProducts,
  makePromotions,
  makeStores,
  makeSuppliers,
  plantedCampaigns,
  type RangeChange,
  rangeChange,
} from './master-data.js';
import * as once from './once-sql.js';

export interface DemoOptions {
  stores: number;
  days: number;
  /** Last day of the demo window (ISO date); fixed by default so the same seed gives the same chain. */
  end: string;
  seed: number;
  skus: number;
  /** Approximate number of sales lines; scales ticket volumes. Omit for realistic volumes. */
  lines?: number;
  /** Replace data already in the file. */
  replace?: boolean;
  /** Plant known anomalies in the last fortnight (anomalies-sql.ts), kept in the meta row as the truth. */
  anomalies?: boolean;
  /** Score members and evaluate campaigns after the load (default); false leaves them for later. */
  analyses?: boolean;
}

export const DEMO_DEFAULTS: DemoOptions = {
  stores: 30,
  // Two full years and a month, so every preset's year-over-year comparison reads full data.
  days: 760,
  end: '2026-11-15',
  seed: 42,
  skus: 2000,
  // Ticket volumes scaled (not history) so a first start takes under a minute on two cores.
  lines: 16_000_000,
};

export type DemoProgress = (phase: string, done: number, total: number) => void;

export interface DemoSummary {
  start: string;
  end: string;
  stores: number;
  salesLines: number;
  orders: number;
  members: number;
  scale: number;
  seconds: number;
}

const DAY_MS = 86_400_000;

function validate(options: DemoOptions): void {
  const bad = (en: string, zh: string, field: string) => {
    throw new ZhongtaiError('BAD_REQUEST', { en, zh }, { field });
  };
  if (!Number.isInteger(options.stores) || options.stores < 1 || options.stores > 20000)
    bad('stores must be 1..20000', '门店数须为 1..20000', 'stores');
  if (!Number.isInteger(options.days) || options.days < 7 || options.days > 3650)
    bad('days must be 7..3650', '天数须为 7..3650', 'days');
  if (!Number.isInteger(options.skus) || options.skus < 100 || options.skus > 200000)
    bad('skus must be 100..200000', 'SKU 数须为 100..200000', 'skus');
  if (!Number.isInteger(options.seed)) bad('seed must be an integer', '随机种子须为整数', 'seed');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.end) || Number.isNaN(parseIsoDate(options.end)))
    bad('end must be a date YYYY-MM-DD', '结束日期格式须为 YYYY-MM-DD', 'end');
  const start = isoDate(parseIsoDate(options.end) - (options.days - 1) * DAY_MS);
  if (start < '2013-01-01' || options.end > '2027-12-31')
    bad(
      'the demo window must lie within 2013..2027 (the calendar)',
      '演示数据区间须在 2013..2027 之间（日历范围）',
      'end',
    );
  if (options.lines !== undefined && (!Number.isFinite(options.lines) || options.lines < 1000))
    bad('lines must be at least 1000', '销售行数至少为 1000', 'lines');
}

async function count(engine: Warehouse, table: string): Promise<number> {
  const rows = await engine.write(`SELECT count(*) AS n FROM "${table}"`);
  return Number(rows[0]?.n ?? 0);
}

async function loadMasterData(
  engine: Warehouse,
  options: DemoOptions,
  window: { start: string; end: string },
): Promise<RangeChange | null> {
  // The warehouse has the calendar from its creation; the demo reads it for promotions and campaigns.
  const calendar = buildCalendar();
  await insertRows(engine, 'channel', CHANNELS);
  const stores = makeStores(options.stores, options.seed, window);
  await insertRows(engine, 'store', stores);
  await engine.run(seedStoreHistory());
  const suppliers = makeSuppliers(Math.max(10, Math.round(options.skus / 25)), options.seed);
  await insertRows(engine, 'supplier', suppliers.rows);
  const products = makeProducts(options.skus, suppliers, options.seed);
  await insertRows(engine, 'product', products);
  await insertRows(engine, 'promotion', makePromotions(calendar, window, options.seed));
  await insertRows(engine, 'campaign', makeCampaigns(calendar, window, options.seed));

  await engine.run(`CREATE OR REPLACE TEMP TABLE _demo_format (format VARCHAR, tickets_lo DOUBLE, tickets_hi DOUBLE,
    lines_per_ticket DOUBLE, conversion DOUBLE, staff INTEGER, tail_skus DOUBLE, tail_lines DOUBLE, weekend_factor DOUBLE, holiday_factor DOUBLE,
    ch_pos DOUBLE, ch_self DOUBLE, ch_scan DOUBLE, ch_mini DOUBLE, ch_delivery DOUBLE)`);
  await insertRows(
    engine,
    '_demo_format',
    FORMATS.map((f) => ({
      format: f.format,
      tickets_lo: f.ticketsPerDay[0],
      tickets_hi: f.ticketsPerDay[1],
      lines_per_ticket: f.linesPerTicket,
      conversion: f.conversion,
      staff: f.staff,
      tail_skus: f.slowTail.skus,
      tail_lines: f.slowTail.lines,
      weekend_factor: f.weekendFactor,
      holiday_factor: f.holidayFactor,
      ch_pos: f.channels.pos ?? 0,
      ch_self: f.channels.self_checkout ?? 0,
      ch_scan: f.channels.scan_and_go ?? 0,
      ch_mini: f.channels.mini_program ?? 0,
      ch_delivery: f.channels.delivery ?? 0,
    })),
  );
  // Hour of day as 100 equal-probability bins per format, so sampling is an equality join.
  await engine.run('CREATE OR REPLACE TEMP TABLE _demo_hour (format VARCHAR, bin INTEGER, hour INTEGER)');
  const bins = FORMATS.flatMap((f) => {
    const hours = Object.entries(f.hours).map(([h, w]) => [Number(h), w] as const);
    const total = hours.reduce((s, [, w]) => s + w, 0);
    let acc = 0;
    const cumulative = hours.map(([h, w]) => {
      acc += w;
      return { h, upTo: acc / total };
    });
    return Array.from({ length: 100 }, (_, bin) => ({
      format: f.format,
      bin,
      hour: (cumulative.find((c) => (bin + 0.5) / 100 <= c.upTo) ?? cumulative.at(-1))?.h ?? 12,
    }));
  });
  await insertRows(engine, '_demo_hour', bins);
  // An assortment ("assort") is a format's range; a store follows its format's, or a changed one from a date.
  await engine.run('CREATE OR REPLACE TEMP TABLE _demo_assort (assort VARCHAR, rank INTEGER, sku INTEGER)');
  await insertRows(engine, '_demo_assort', makeAssortment(products, options.seed), 1000);
  await engine.run(`CREATE OR REPLACE TEMP TABLE _demo_store_assort AS
    SELECT store_id, format AS assort, DATE '1900-01-01' AS valid_from, DATE '2999-12-31' AS valid_to FROM store`);
  const change = rangeChange(stores, window);
  if (change) {
    const changed = `${change.format}:${change.category_l1}`;
    await engine.run(
      `INSERT INTO _demo_assort SELECT $1, (row_number() OVER (ORDER BY a.rank) - 1)::INTEGER, a.sku
       FROM _demo_assort a JOIN product p USING (sku) WHERE a.assort = $2 AND p.category_l1 <> $3`,
      [changed, change.format, change.category_l1],
    );
    await engine.run(
      `UPDATE _demo_store_assort SET valid_to = $1::DATE - 1
       WHERE store_id IN (SELECT store_id FROM store WHERE region = $2 AND format = $3)`,
      [change.from, change.region, change.format],
    );
    await engine.run(
      `INSERT INTO _demo_store_assort SELECT store_id, $1, $2::DATE, DATE '2999-12-31'
       FROM store WHERE region = $3 AND format = $4`,
      [changed, change.from, change.region, change.format],
    );
  }
  return change;
}

/** Generates a whole demo chain into the warehouse, in one transaction. */
export async function generateDemo(
  engine: Warehouse,
  input: Partial<DemoOptions>,
  progress: DemoProgress = () => {},
): Promise<DemoSummary> {
  // An option left undefined (a CLI flag not given) keeps its default.
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const options: DemoOptions = { ...DEMO_DEFAULTS, ...given };
  validate(options);
  const began = Date.now();
  const end = options.end;
  const start = isoDate(parseIsoDate(end) - (options.days - 1) * DAY_MS);

  if (!options.replace && (await count(engine, 'sales_line')) > 0) {
    throw new ZhongtaiError('BAD_REQUEST', {
      en: 'This data file already holds sales; pass --replace to generate the demo again.',
      zh: '该数据文件已有销售数据；如需重新生成演示数据，请加 --replace。',
    });
  }

  let scale = 1;
  // Chunks go in date order already; inside a chunk row order does not matter, and letting DuckDB
  // reorder lets both cores insert.
  await engine.run('SET preserve_insertion_order = false');
  const summary = await engine.transaction(async () => {
    for (const table of TABLES)
      if (table.name !== 'calendar') await engine.run(`DELETE FROM "${table.name}"`);
    progress('master data', 0, 1);
    const change = await loadMasterData(engine, options, { start, end });
    for (const sql of facts.macros({ seed: options.seed, start, end, scale })) await engine.run(sql);
    for (const sql of once.lookups()) await engine.run(sql);
    await engine.run(facts.storeParams({ seed: options.seed, start, end, scale }));
    if (options.lines) {
      // Plan at realistic volumes first, then scale tickets so the lines land near the target.
      await engine.run(facts.memberBase({ seed: options.seed, start, end, scale: 1 }));
      await engine.run(facts.storeDays({ seed: options.seed, start, end, scale: 1 }));
      const planned = await engine.write(
        'SELECT sum((n_instore + n_online) * (lines_per_ticket - 0.45)) AS lines FROM _demo_store_day',
      );
      scale = options.lines / Math.max(1, Number(planned[0]?.lines ?? 1));
    }
    const p = { seed: options.seed, start, end, scale };
    await engine.run(facts.memberBase(p));
    await engine.run(facts.storeDays(p));
    await engine.run(facts.storeDayFact());
    progress('master data', 1, 1);

    const plannedLines = Number(
      (
        await engine.write(
          'SELECT sum((n_instore + n_online) * (lines_per_ticket - 0.45)) AS lines FROM _demo_store_day',
        )
      )[0]?.lines ?? 0,
    );
    // Chunks of about four million lines keep memory flat at any scale.
    const chunkDays = Math.max(
      1,
      Math.min(31, Math.floor((4_000_000 * options.days) / Math.max(1, plannedLines))),
    );
    for (let from = parseIsoDate(start); from <= parseIsoDate(end); from += chunkDays * DAY_MS) {
      const chunkFrom = isoDate(from);
      const chunkTo = isoDate(Math.min(parseIsoDate(end), from + (chunkDays - 1) * DAY_MS));
      await engine.run(facts.ordersChunk(chunkFrom, chunkTo));
      await engine.run(facts.linesChunk());
      await engine.run(facts.ordersFactChunk(chunkFrom, chunkTo));
      await engine.run(facts.trafficChunk());
      await engine.run(facts.appActivityChunk(chunkFrom, chunkTo));
      await engine.run(facts.couponsChunk(chunkFrom, chunkTo));
      progress('sales', Math.round((parseIsoDate(chunkTo) - parseIsoDate(start)) / DAY_MS) + 1, options.days);
    }
    const steps: string[] = [...once.members(p), once.inventory(p), once.receipts(p), ...once.staff(p)];
    for (let i = 0; i < steps.length; i++) {
      progress('members, stock, staff', i, steps.length);
      await engine.run(steps[i] as string);
    }
    progress('members, stock, staff', steps.length, steps.length);
    await plantCampaigns(engine, { start, end });
    const planted = options.anomalies ? await plantAnomalies(engine, options.seed, { start, end }) : [];
    // Every fact was written anew: their rollups rebuild whole.
    for (const table of TABLES) if (table.kind === 'fact') await noteChangedFact(engine, table.name);
    const meta = JSON.stringify({
      ...options,
      replace: undefined,
      start,
      scale,
      rangeChange: change,
      plantedAnomalies: planted,
    });
    await engine.run(
      "INSERT INTO zhongtai_meta VALUES ('demo', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [meta],
    );
    return {
      start,
      end,
      stores: options.stores,
      salesLines: await count(engine, 'sales_line'),
      orders: await count(engine, 'orders'),
      members: await count(engine, 'member'),
      scale,
      seconds: 0,
    };
  });
  await engine.run('RESET preserve_insertion_order');
  // Targets for the last months by region, phased to store-days (read outside the load's transaction: the
  // phasing reads what is committed).
  await engine.run(campaigns.demoTargets(end));
  await phaseTargets(engine);
  // The analyses the BI shows out of the box: members' segments and values, campaigns' lift.
  if (options.analyses !== false) {
    progress('member scores, campaign lift', 0, 2);
    await scoreMembers(engine);
    progress('member scores, campaign lift', 1, 2);
    await saveCampaignResults(engine, await evaluateCampaigns(engine, { replicates: 200 }));
    progress('member scores, campaign lift', 2, 2);
  }
  await engine.run('CHECKPOINT');
  return { ...summary, seconds: (Date.now() - began) / 1000 };
}

/** The planted experiments' audiences, extra orders, coupons and costs (see campaigns-sql.ts). */
async function plantCampaigns(engine: Warehouse, window: { start: string; end: string }): Promise<void> {
  const planned = plantedCampaigns(window);
  if (!planned.length) return;
  const ids = await engine.write(
    "SELECT campaign_id FROM campaign WHERE type = 'targeted' ORDER BY campaign_id",
  );
  const runs = planned.map((c, i) => ({ ...c, campaignId: Number(ids[i]?.campaign_id) }));
  await engine.run(campaigns.campaignTargets(runs));
  await engine.run(campaigns.plantedOrders(runs));
  await engine.run(facts.linesChunk());
  const from = runs.map((r) => r.start).sort()[0] as string;
  const to = runs
    .map((r) => r.end)
    .sort()
    .at(-1) as string;
  await engine.run(facts.ordersFactChunk(from, to));
  await engine.run(campaigns.plantedCoupons(runs));
  await engine.run(campaigns.plantedCosts(runs));
}

/** The planted anomalies (anomalies-sql.ts) and, for the scan's test, where they went. */
async function plantAnomalies(
  engine: Warehouse,
  seed: number,
  window: { start: string; end: string },
): Promise<PlantedAnomaly[]> {
  const days = anomalyWindows(window.end);
  const pick = anomalies.conversionStore(seed, window.start, window.end);
  const [store] = await engine.write(pick.sql, pick.params);
  if (!store) return [];
  const storeId = Number(store.store_id);
  for (const step of anomalies.loseWalkIns(storeId, ...days.conversion, seed))
    await engine.run(step.sql, step.params);
  const planted: PlantedAnomaly[] = [
    {
      kind: 'conversion_collapse',
      storeIds: [storeId],
      from: days.conversion[0],
      to: days.conversion[1],
      kpis: ['conversion_rate', 'orders', 'net_sales'],
    },
  ];
  const choose = anomalies.marginRegion(seed, window.start, window.end, String(store.region));
  const [region] = await engine.write(choose.sql, choose.params);
  if (region) {
    const storeIds = String(region.store_ids).split(',').map(Number);
    const drop = anomalies.sellBelowCost(storeIds, anomalies.MARGIN_CATEGORY, ...days.margin);
    await engine.run(drop.sql, drop.params);
    planted.push({
      kind: 'category_margin_drop',
      storeIds,
      from: days.margin[0],
      to: days.margin[1],
      kpis: ['gross_margin'],
      region: String(region.region),
      category: anomalies.MARGIN_CATEGORY,
    });
  }
  return planted;
}

/** True when the warehouse holds no sales yet (so `npm start` knows to build the demo). */
export async function isEmpty(engine: Warehouse): Promise<boolean> {
  return (await count(engine, 'sales_line')) === 0;
}
