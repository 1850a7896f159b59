import { dashboards, SYSTEM_ACTOR, type Tile } from './dashboards.js';
import type { AppStore } from './store.js';

type Question = Omit<Tile['exploration'], 'range' | 'filters' | 'reference' | 'chart' | 'compare'> &
  Partial<Pick<Tile['exploration'], 'reference' | 'chart' | 'compare'>>;

const q = (title: string, question: Question): { title: string; question: Question } => ({ title, question });

/** The six ready-made dashboards of the demo chain (issue 4), as saved questions over the catalogue. */
const DEMO: { name: string; tiles: { title: string; question: Question }[] }[] = [
  {
    name: '经营总览',
    tiles: [
      q('核心指标（同比）', {
        metrics: ['net_sales', 'orders', 'atv', 'gross_margin'],
        dimensions: [],
        rangeDays: 30,
        compare: 'yoy',
      }),
      q('每日销售额（对比去年同星期）', {
        metrics: ['net_sales'],
        dimensions: ['day'],
        rangeDays: 30,
        compare: 'yoy_weekday',
      }),
      q('大区销售额', { metrics: ['net_sales'], dimensions: ['region'], rangeDays: 30, compare: 'yoy' }),
      q('业态销售额', { metrics: ['net_sales', 'gross_margin'], dimensions: ['format'], rangeDays: 30 }),
    ],
  },
  {
    name: '门店对比',
    tiles: [
      q('门店 PSD（含平均线）', {
        metrics: ['psd'],
        dimensions: ['store'],
        rangeDays: 30,
        reference: 'average',
      }),
      q('门店坪效', { metrics: ['sales_per_m2'], dimensions: ['store'], rangeDays: 30, reference: 'median' }),
      q('门店转化率', {
        metrics: ['conversion_rate'],
        dimensions: ['store'],
        rangeDays: 30,
        reference: 'average',
      }),
      q('同店增长（按大区）', { metrics: ['lfl_growth'], dimensions: ['region'], rangeDays: 30 }),
    ],
  },
  {
    name: '品类分析',
    tiles: [
      q('一级品类销售额', {
        metrics: ['net_sales'],
        dimensions: ['category_l1'],
        rangeDays: 30,
        compare: 'yoy',
      }),
      q('一级品类毛利率', {
        metrics: ['gross_margin'],
        dimensions: ['category_l1'],
        rangeDays: 30,
        reference: 'average',
      }),
      q('品类月度走势', { metrics: ['net_sales'], dimensions: ['month', 'category_l1'], rangeDays: 365 }),
      q('品牌销售额', {
        metrics: ['net_sales', 'gross_profit'],
        dimensions: ['brand'],
        rangeDays: 30,
        chart: 'table',
      }),
    ],
  },
  {
    name: '会员分析',
    tiles: [
      q('会员指标', {
        metrics: ['members', 'active_members', 'new_members', 'member_sales_share', 'repurchase_rate'],
        dimensions: [],
        rangeDays: 30,
        compare: 'yoy',
      }),
      q('每月注册数', { metrics: ['new_members'], dimensions: ['month'], rangeDays: 365 }),
      q('会员等级销售额', { metrics: ['net_sales'], dimensions: ['member_tier'], rangeDays: 30 }),
      q('注册渠道销售额', { metrics: ['net_sales'], dimensions: ['registered_channel'], rangeDays: 30 }),
    ],
  },
  {
    name: '库存与动销',
    tiles: [
      q('门店动销率', {
        metrics: ['sku_movement_rate'],
        dimensions: ['store'],
        rangeDays: 28,
        reference: 'average',
      }),
      q('品类库存天数', { metrics: ['days_of_inventory'], dimensions: ['category_l1'], rangeDays: 30 }),
      q('品类售罄率', { metrics: ['sell_through'], dimensions: ['category_l1'], rangeDays: 30 }),
      q('每周动销率', { metrics: ['sku_movement_rate'], dimensions: ['week'], rangeDays: 84 }),
    ],
  },
  {
    name: '人效',
    tiles: [
      q('门店人效', {
        metrics: ['sales_per_labour_hour'],
        dimensions: ['store'],
        rangeDays: 30,
        reference: 'average',
      }),
      q('门店人工成本率', {
        metrics: ['labour_cost_ratio'],
        dimensions: ['store'],
        rangeDays: 30,
        reference: 'median',
      }),
      q('业态人效与人工成本率', {
        metrics: ['sales_per_labour_hour', 'labour_cost_ratio'],
        dimensions: ['format'],
        rangeDays: 30,
        chart: 'table',
      }),
      q('每周人效', { metrics: ['sales_per_labour_hour'], dimensions: ['week'], rangeDays: 84 }),
    ],
  },
];

const minus = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * Puts the demo chain's dashboards into an application store that has none yet; `dataEnd` is the newest
 * day with data (tiles follow it: their ranges are the last N days). Returns how many it made.
 */
export async function seedDemoDashboards(store: AppStore, dataEnd: string): Promise<number> {
  if ((await dashboards.list(store, SYSTEM_ACTOR)).length > 0) return 0;
  for (const board of DEMO) {
    await dashboards.create(
      store,
      {
        name: board.name,
        tiles: board.tiles.map((tile, k) => {
          const { rangeDays = 30, compare = '', reference = '', chart = 'auto', ...rest } = tile.question;
          return {
            id: `t${k + 1}`,
            title: tile.title,
            exploration: {
              ...rest,
              filters: [],
              range: { from: minus(dataEnd, rangeDays - 1), to: dataEnd },
              rangeDays,
              compare,
              reference,
              chart,
            },
          };
        }),
      },
      SYSTEM_ACTOR,
    );
  }
  return DEMO.length;
}
