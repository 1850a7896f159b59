/**
 * The four store formats of a multi-format chain, with the operating facts the generator draws from:
 * ticket volumes, basket sizes, footfall conversion, staffing and channel mix.
 */
export type StoreFormat = 'supermarket' | 'department_store' | 'convenience' | 'fresh';

export interface FormatProfile {
  format: StoreFormat;
  brand: string;
  share: number;
  areaM2: [number, number];
  ticketsPerDay: [number, number];
  linesPerTicket: number;
  conversion: number;
  /** Employees at full volume (scaled with ticket volume, so 人效 and 人工成本率 keep their level). */
  staff: number;
  /**
   * Price sensitivity: a SKU's popularity falls with price^this, which sets the average ticket
   * (convenience ¥25–30, fresh ¥45–55, supermarket ¥80–100, department store ¥400–600).
   */
  priceSensitivity: number;
  /**
   * The slow tail of the assortment: this share of the listed SKUs gets this share of the lines,
   * so a store's weekly 动销率 sits near 70–90%, lower where the range is deep. Tuned at the default
   * volume (a tail SKU sells about once in three weeks); fuller volumes sell more of the tail.
   */
  slowTail: { skus: number; lines: number };
  /** Category level-1 names this format sells, with how deep into their SKU list it goes (0..1). */
  assortment: Record<string, number>;
  /** Hour of day → relative ticket weight. */
  hours: Record<number, number>;
  /** Channel → share of tickets on an ordinary day. */
  channels: Record<string, number>;
  weekendFactor: number;
  holidayFactor: number;
}

const dayHours = (from: number, to: number, peaks: Record<number, number>): Record<number, number> => {
  const hours: Record<number, number> = {};
  for (let h = from; h <= to; h++) hours[h] = peaks[h] ?? 1;
  return hours;
};

export const FORMATS: FormatProfile[] = [
  {
    format: 'convenience',
    brand: '中台便利',
    share: 0.42,
    areaM2: [60, 160],
    ticketsPerDay: [450, 800],
    linesPerTicket: 2.1,
    conversion: 0.72,
    priceSensitivity: 2,
    slowTail: { skus: 0.15, lines: 0.01 },
    staff: 8,
    assortment: { 食品: 0.5, 饮料酒水: 0.7, 日化: 0.25, 生鲜: 0.1 },
    hours: dayHours(7, 23, { 7: 2.2, 8: 2.6, 12: 2.0, 13: 1.6, 18: 2.0, 19: 1.8, 22: 0.6, 23: 0.4 }),
    channels: { pos: 0.76, self_checkout: 0.08, scan_and_go: 0.04, mini_program: 0.05, delivery: 0.07 },
    weekendFactor: 0.9,
    holidayFactor: 0.85,
  },
  {
    format: 'fresh',
    brand: '中台鲜果',
    share: 0.26,
    areaM2: [80, 300],
    ticketsPerDay: [300, 600],
    linesPerTicket: 3.2,
    conversion: 0.5,
    priceSensitivity: 0.9,
    slowTail: { skus: 0.2, lines: 0.018 },
    staff: 10,
    assortment: { 生鲜: 0.9, 食品: 0.1 },
    hours: dayHours(8, 22, { 9: 1.5, 10: 1.6, 17: 2.2, 18: 2.6, 19: 2.2, 20: 1.5 }),
    channels: { pos: 0.56, scan_and_go: 0.04, mini_program: 0.15, delivery: 0.25 },
    weekendFactor: 1.2,
    holidayFactor: 1.1,
  },
  {
    format: 'supermarket',
    brand: '中台超市',
    share: 0.24,
    areaM2: [1500, 6000],
    ticketsPerDay: [1000, 2000],
    linesPerTicket: 4.5,
    conversion: 0.38,
    priceSensitivity: 1.2,
    slowTail: { skus: 0.35, lines: 0.013 },
    staff: 60,
    assortment: { 生鲜: 0.8, 食品: 1, 饮料酒水: 1, 日化: 1, 百货: 0.5 },
    hours: dayHours(8, 22, { 9: 1.3, 10: 1.6, 11: 1.4, 16: 1.4, 17: 1.9, 18: 2.1, 19: 1.8 }),
    channels: { pos: 0.62, self_checkout: 0.14, scan_and_go: 0.05, mini_program: 0.06, delivery: 0.13 },
    weekendFactor: 1.3,
    holidayFactor: 1.2,
  },
  {
    format: 'department_store',
    brand: '中台百货',
    share: 0.08,
    areaM2: [12000, 30000],
    ticketsPerDay: [1500, 2800],
    linesPerTicket: 1.9,
    conversion: 0.14,
    priceSensitivity: 0.2,
    slowTail: { skus: 0.45, lines: 0.012 },
    staff: 240,
    assortment: { 百货: 1, 日化: 0.4, 食品: 0.15 },
    hours: dayHours(10, 22, { 14: 1.4, 15: 1.5, 16: 1.4, 19: 1.6, 20: 1.4 }),
    channels: { pos: 0.9, mini_program: 0.1 },
    weekendFactor: 1.7,
    holidayFactor: 1.6,
  },
];

export const CHANNELS = [
  { channel: 'pos', name_zh: '门店收银', name_en: 'Store POS', in_store: true },
  { channel: 'self_checkout', name_zh: '自助收银', name_en: 'Self-checkout', in_store: true },
  { channel: 'scan_and_go', name_zh: '扫码购', name_en: 'Scan & go', in_store: true },
  { channel: 'mini_program', name_zh: '小程序', name_en: 'Mini-program', in_store: false },
  { channel: 'delivery', name_zh: '外卖到家', name_en: 'Delivery (O2O)', in_store: false },
];

export const REGIONS: [string, number, string[]][] = [
  ['华东', 0.3, ['上海', '杭州', '南京', '苏州', '宁波', '合肥']],
  ['华南', 0.2, ['广州', '深圳', '东莞', '佛山', '厦门', '南宁']],
  ['华北', 0.16, ['北京', '天津', '石家庄', '济南', '青岛']],
  ['华中', 0.12, ['武汉', '长沙', '郑州', '南昌']],
  ['西南', 0.11, ['成都', '重庆', '昆明', '贵阳']],
  ['西北', 0.06, ['西安', '兰州', '银川']],
  ['东北', 0.05, ['沈阳', '大连', '长春', '哈尔滨']],
];

export const STREETS = [
  '中山路',
  '人民路',
  '解放路',
  '建设路',
  '和平路',
  '新华路',
  '文化路',
  '青年路',
  '胜利路',
  '友谊路',
  '长江路',
  '黄河路',
  '滨江路',
  '南京路',
  '北京路',
  '学府路',
  '科技路',
  '金融街',
  '万达广场',
  '世纪大道',
  '花园路',
  '光明路',
  '幸福路',
  '东风路',
  '朝阳路',
  '迎宾路',
  '湖滨路',
  '体育路',
  '府前街',
  '步行街',
];
