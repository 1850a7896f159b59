export type Pick = { dimension: string; value: string };

/** Settings that apply to every tile, kept in the URL: a period, a region, refresh, big screen. */
export interface Controls {
  /** 0: each tile's own period; else the last this many days. */
  days: number;
  /** '': each tile's own comparison; else this one for every tile. */
  compare: '' | 'yoy' | 'mom' | 'wow' | 'yoy_weekday';
  region: string;
  /** Cross-filters: values clicked on tiles (one per dimension). */
  picks: Pick[];
  /** Seconds between refreshes; 0: never. */
  refreshEvery: number;
  screen: boolean;
}

export function controlsFromUrl(search: string = location.search): Controls {
  const p = new URLSearchParams(search);
  const screen = p.get('screen') === '1';
  return {
    days: Number(p.get('days') ?? 0) || 0,
    compare: (['yoy', 'mom', 'wow', 'yoy_weekday'] as const).find((c) => c === p.get('compare')) ?? '',
    region: p.get('region') ?? '',
    picks: p.getAll('pick').flatMap((text) => {
      const at = text.indexOf(':');
      return at > 0 ? [{ dimension: text.slice(0, at), value: text.slice(at + 1) }] : [];
    }),
    refreshEvery: Number(p.get('refresh') ?? (screen ? 60 : 0)) || 0,
    screen,
  };
}

export function controlsToUrl(c: Controls): string {
  const p = new URLSearchParams();
  if (c.days) p.set('days', String(c.days));
  if (c.compare) p.set('compare', c.compare);
  if (c.region) p.set('region', c.region);
  for (const pick of c.picks) p.append('pick', `${pick.dimension}:${pick.value}`);
  if (c.refreshEvery) p.set('refresh', String(c.refreshEvery));
  if (c.screen) p.set('screen', '1');
  const text = p.toString();
  return text ? `?${text}` : '';
}

/** The filters every tile gets: the region chosen, then the values clicked (a click on a region wins). */
export function filtersOf(c: Controls): Pick[] {
  const clicked = new Set(c.picks.map((p) => p.dimension));
  return [
    ...(c.region && !clicked.has('region') ? [{ dimension: 'region', value: c.region }] : []),
    ...c.picks,
  ];
}
