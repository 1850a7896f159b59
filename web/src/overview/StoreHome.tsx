import { useMemo } from 'react';
import type { Catalog, SavedTile } from '../api';
import { DashboardTile } from '../dashboards/DashboardTile';
import type { Exploration } from '../explore/state';
import { addDays, type Lang } from '../format';
import { t } from '../i18n';
import { useQuery } from '../useQuery';
import { Insights, KPIS, KpiRow } from './Overview';

/**
 * The home of a store manager, whose grant is one store: the overview of a chain (regions, formats, a top 10
 * of stores) would be one bar, one slice and one row. Instead, her store against last year day by day and
 * hour by hour, what sells best and what sits on the shelf, and what the forecast expects.
 */
export function StoreHome({
  catalog,
  lang,
  range,
  dataEnd,
  go,
}: {
  catalog: Catalog;
  lang: Lang;
  range: { from: string; to: string };
  dataEnd: string;
  go: (path: string) => void;
}) {
  const kpis = useQuery(useMemo(() => ({ timeRange: range, compare: 'yoy', metrics: KPIS }), [range]));
  const tiles = useMemo((): SavedTile[] => {
    const ask = (metrics: string[], dimensions: string[], more: Partial<Exploration>): Exploration => ({
      metrics,
      dimensions,
      filters: [],
      range,
      rangeDays: 30,
      compare: '',
      reference: '',
      chart: 'auto',
      ...more,
    });
    return [
      {
        id: 'trend',
        title: t('storeTrend', lang),
        wide: true,
        exploration: ask(['net_sales'], ['day'], { compare: 'yoy_weekday', chart: 'line' }),
      },
      {
        id: 'hours',
        title: t('storeHourly', lang),
        exploration: ask(['net_sales'], ['hour_of_day'], { compare: 'yoy', chart: 'bar' }),
      },
      {
        id: 'forecast',
        title: t('storeForecast', lang),
        exploration: ask(['forecast_sales'], ['day'], {
          range: { from: addDays(dataEnd, 1), to: addDays(dataEnd, 14) },
          rangeDays: undefined,
          chart: 'line',
        }),
      },
      {
        id: 'top',
        title: t('storeTopSkus', lang),
        wide: true,
        exploration: ask(['net_sales', 'units', 'gross_margin'], ['sku'], { chart: 'table', limit: 10 }),
      },
      {
        id: 'slow',
        title: t('storeSlowSkus', lang),
        wide: true,
        exploration: ask(['days_of_inventory', 'units', 'net_sales'], ['sku'], { chart: 'table', limit: 10 }),
      },
    ];
  }, [range, dataEnd, lang]);
  return (
    <main className="grid" data-testid="store-home">
      <KpiRow catalog={catalog} lang={lang} state={kpis} />
      <Insights catalog={catalog} lang={lang} dataEnd={dataEnd} />
      {tiles.map((tile) => (
        <div key={tile.id} className={`tile-slot${tile.wide ? ' wide' : ''}`} data-testid={`home-${tile.id}`}>
          <DashboardTile
            tile={tile}
            catalog={catalog}
            lang={lang}
            dataEnd={dataEnd}
            days={0}
            filters={[]}
            refresh={0}
            actions={{ go, readOnly: true, onRemove: () => {} }}
          />
        </div>
      ))}
    </main>
  );
}
