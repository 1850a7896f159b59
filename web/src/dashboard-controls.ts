/** Settings that apply to every tile, kept in the URL: a period, a region, refresh, big screen. */
export interface Controls {
  /** 0: each tile's own period; else the last this many days. */
  days: number;
  region: string;
  /** Seconds between refreshes; 0: never. */
  refreshEvery: number;
  screen: boolean;
}

export function controlsFromUrl(): Controls {
  const p = new URLSearchParams(location.search);
  const screen = p.get('screen') === '1';
  return {
    days: Number(p.get('days') ?? 0) || 0,
    region: p.get('region') ?? '',
    refreshEvery: Number(p.get('refresh') ?? (screen ? 60 : 0)) || 0,
    screen,
  };
}

export function controlsToUrl(c: Controls): string {
  const p = new URLSearchParams();
  if (c.days) p.set('days', String(c.days));
  if (c.region) p.set('region', c.region);
  if (c.refreshEvery) p.set('refresh', String(c.refreshEvery));
  if (c.screen) p.set('screen', '1');
  const text = p.toString();
  return text ? `?${text}` : '';
}
