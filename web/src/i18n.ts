import type { Lang } from './format';

const TEXT = {
  title: { zh: '经营总览', en: 'Chain overview' },
  product: { zh: 'zhongtai 中台', en: 'zhongtai' },
  period: { zh: '统计周期', en: 'Period' },
  last7: { zh: '近7天', en: 'Last 7 days' },
  last30: { zh: '近30天', en: 'Last 30 days' },
  last90: { zh: '近90天', en: 'Last 90 days' },
  trend: { zh: '每日销售趋势（含去年同期）', en: 'Daily sales (with last year)' },
  thisYear: { zh: '本期', en: 'This period' },
  lastYear: { zh: '去年同期（同星期）', en: 'Last year, same weekday' },
  byRegion: { zh: '大区销售额', en: 'Sales by region' },
  byFormat: { zh: '业态销售占比', en: 'Sales by format' },
  topStores: { zh: '门店排行 Top 10', en: 'Top 10 stores' },
  loading: { zh: '加载中…', en: 'Loading…' },
  empty: { zh: '所选周期内没有数据', en: 'No data in the chosen period' },
  noData: {
    zh: '仓库里还没有销售数据。运行 zhongtai demo 生成演示数据，或导入数据后刷新。',
    en: 'The warehouse holds no sales yet. Run zhongtai demo or import data, then reload.',
  },
  rank: { zh: '排名', en: 'Rank' },
  switchLang: { zh: 'English', en: '中文' },
} satisfies Record<string, Record<Lang, string>>;

export type TextKey = keyof typeof TEXT;
export const t = (key: TextKey, lang: Lang): string => TEXT[key][lang];
