import { type Catalog, currentUser, type SavedTile } from '../api';
import { DashboardTile } from '../dashboards/DashboardTile';
import type { Exploration } from '../explore/state';
import { addDays, type Lang } from '../format';
import { t } from '../i18n';

const question = (
  metrics: string[],
  dimensions: string[],
  range: { from: string; to: string },
  extra: Partial<Exploration> = {},
): Exploration => ({
  metrics,
  dimensions,
  filters: [],
  range,
  compare: '',
  reference: '',
  chart: 'auto',
  ...extra,
});

/**
 * 供应商门户: the ready dashboard a supplier lands on — its products' sales, 动销率, stock, days of
 * inventory and forecast across the stores that sell them. Nothing here filters by supplier: the server
 * answers every question within the caller's grants, so the same tiles show a supplier only its own.
 */
export function PortalPage({ catalog, lang, dataEnd }: { catalog: Catalog; lang: Lang; dataEnd: string }) {
  const last28 = { from: addDays(dataEnd, -27), to: dataEnd };
  const next28 = { from: addDays(dataEnd, 1), to: addDays(dataEnd, 28) };
  const tile = (id: string, title: string, exploration: Exploration, wide = false): SavedTile => ({
    id,
    title,
    exploration,
    ...(wide ? { wide } : {}),
  });
  const tiles: SavedTile[] = [
    tile(
      'kpis',
      t('portalKpis', lang),
      question(
        ['net_sales', 'units', 'gross_margin', 'sku_movement_rate', 'days_of_inventory', 'sell_through'],
        [],
        last28,
        {
          rangeDays: 28,
          compare: 'yoy',
        },
      ),
      true,
    ),
    tile(
      'trend',
      t('portalTrend', lang),
      question(['net_sales', 'units'], ['day'], last28, { rangeDays: 28 }),
      true,
    ),
    tile(
      'skus',
      t('portalSkus', lang),
      question(['net_sales', 'units', 'gross_margin', 'sell_through'], ['sku'], last28, {
        rangeDays: 28,
        chart: 'table',
      }),
    ),
    tile(
      'stores',
      t('portalStores', lang),
      question(['net_sales', 'sku_movement_rate', 'days_of_inventory'], ['store'], last28, {
        rangeDays: 28,
        chart: 'table',
      }),
    ),
    tile(
      'forecast',
      t('portalForecast', lang),
      question(['forecast_sales'], ['day'], next28, { chart: 'line' }),
      true,
    ),
  ];
  const me = currentUser();
  const suppliers =
    me && !me.scope.all ? me.scope.grants.filter((g) => g.kind === 'supplier').map((g) => g.value) : [];
  return (
    <main className="grid" data-testid="portal">
      <div className="tile wide dashboard-head">
        <h2>{t('portalTitle', lang)}</h2>
        <span className="muted" data-testid="portal-scope">
          {suppliers.length ? `${t('portalSupplier', lang)} ${suppliers.join('、')} · ` : ''}
          {t('portalNote', lang)}
        </span>
      </div>
      {tiles.map((x) => (
        <DashboardTile
          key={x.id}
          tile={x}
          catalog={catalog}
          lang={lang}
          dataEnd={dataEnd}
          days={0}
          filters={[]}
          refresh={0}
        />
      ))}
    </main>
  );
}
