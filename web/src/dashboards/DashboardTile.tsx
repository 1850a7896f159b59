import { api, type Catalog, can, type SavedTile } from '../api';
import { Tile } from '../components/Tile';
import { csvOf, download, downloadBlob, xlsxOf } from '../csv';
import { current, type Exploration, queryOf, TIME_DIMS, toUrl } from '../explore/state';
import { ExplorationView } from '../explore/View';
import type { Lang } from '../format';
import { builtIn, t } from '../i18n';
import { useQuery } from '../useQuery';

/**
 * One saved question on a dashboard, asking its own query. The dashboard's period and filters apply where
 * every metric of the tile can be cut by the filter's dimension; elsewhere the tile says so — and with
 * `strict` (an embed link's fixed filters) it shows nothing rather than data the link does not allow.
 */
export function DashboardTile({
  tile,
  catalog,
  lang,
  dataEnd,
  days,
  compare = '',
  filters,
  strict = false,
  refresh,
  onPick,
  actions,
}: {
  tile: SavedTile;
  catalog: Catalog;
  lang: Lang;
  dataEnd: string;
  /** 0: the tile's own period. */
  days: number;
  /** '': the tile's own comparison. */
  compare?: Exploration['compare'];
  filters: { dimension: string; value: string }[];
  strict?: boolean;
  refresh: number;
  /** Cross-filtering: a value of the tile's first dimension was clicked. */
  onPick?: (dimension: string, value: string) => void;
  /** Absent in an embedded dashboard: nothing to change there. */
  actions?: {
    go: (path: string) => void;
    /** Only open in Explore: the reader may not change the dashboard. */
    readOnly?: boolean;
    onRemove: () => void;
    onMoveUp?: () => void;
    onToggleWide?: () => void;
  };
}) {
  const cuttable = (dimension: string) =>
    tile.exploration.metrics.every((m) =>
      catalog.metrics.find((x) => x.id === m)?.dimensions.includes(dimension),
    );
  const unfit = filters.filter((f) => !cuttable(f.dimension));
  // Made each render: useQuery asks again only when the query's text changes.
  // The dashboard's period, when one is chosen, replaces the tile's (last N days or to date).
  const { toDate: _, ...undated } = tile.exploration;
  const own = current(days ? { ...undated, rangeDays: days } : tile.exploration, dataEnd);
  const applied = filters.filter((f) => cuttable(f.dimension));
  const dims = new Set(applied.map((f) => f.dimension));
  const exploration: Exploration = {
    ...own,
    ...(compare ? { compare } : {}),
    filters: [...own.filters.filter((f) => !dims.has(f.dimension)), ...applied],
  };
  const blocked = strict && unfit.length > 0;
  const first = tile.exploration.dimensions[0];
  const state = useQuery(blocked ? null : queryOf(exploration), refresh);
  // Exports are asked of the server again: it checks the right to export and writes who took what.
  const exported = () => api.exportAnswer(queryOf(exploration), tile.title);
  const exportCsv = async () => download(`${tile.title}.csv`, csvOf(await exported(), catalog, lang));
  const exportXlsx = async () =>
    downloadBlob(`${tile.title}.xlsx`, await xlsxOf(await exported(), catalog, lang));
  const mayExport = can('data.export');
  const names = unfit
    .map((f) => catalog.dimensions.find((d) => d.id === f.dimension)?.label[lang])
    .join('、');
  return (
    <Tile
      title={builtIn(tile.title, lang)}
      state={state}
      lang={lang}
      testId={`tile-${tile.id}`}
      emptyText={
        tile.exploration.metrics.every((m) => m.startsWith('forecast_'))
          ? t('noForecastTile', lang)
          : undefined
      }
    >
      <div className="tile-actions">
        {actions && (
          <Action
            label={t('openInExplore', lang)}
            onClick={() => actions.go(`/explore${toUrl(tile.exploration)}`)}
          />
        )}
        {(mayExport || (actions && !actions.readOnly)) && (
          // The rarer actions behind one "⋯", so a tile shows its figures, not a row of links.
          <details className="tile-menu">
            <summary data-testid="tile-menu" aria-label={t('moreActions', lang)}>
              ⋯
            </summary>
            <div className="tile-menu-items">
              {actions?.onMoveUp && !actions.readOnly && (
                <Action label={t('moveUp', lang)} onClick={actions.onMoveUp} />
              )}
              {mayExport && (
                <Action
                  label={t('exportCsv', lang)}
                  testId="export-csv"
                  onClick={exportCsv}
                  disabled={!state.result}
                />
              )}
              {mayExport && (
                <Action
                  label={t('exportXlsx', lang)}
                  testId="export-xlsx"
                  onClick={exportXlsx}
                  disabled={!state.result}
                />
              )}
              {actions?.onToggleWide && !actions.readOnly && (
                <Action
                  label={t(tile.wide ? 'narrower' : 'wider', lang)}
                  testId="toggle-wide"
                  onClick={actions.onToggleWide}
                />
              )}
              {actions && !actions.readOnly && (
                <Action label={t('removeTile', lang)} testId="remove-tile" onClick={actions.onRemove} />
              )}
            </div>
          </details>
        )}
      </div>
      {unfit.length > 0 && (
        <p className="muted" data-testid="unfit">
          {blocked ? `${t('notShownUnfit', lang)} ${names}` : `${t('notFilteredBy', lang)} ${names}`}
        </p>
      )}
      {!blocked && (
        <ExplorationView
          exploration={exploration}
          state={state}
          catalog={catalog}
          lang={lang}
          table={false}
          height={280}
          onDrill={
            first && onPick && !TIME_DIMS.includes(first) ? (value) => onPick(first, value) : undefined
          }
        />
      )}
    </Tile>
  );
}

/** A tile's action: a quiet link-like button. */
function Action({
  label,
  onClick,
  testId,
  disabled,
}: {
  label: string;
  onClick: () => void;
  testId?: string;
  disabled?: boolean;
}) {
  return (
    <button type="button" className="link" data-testid={testId} onClick={onClick} disabled={disabled}>
      {label}
    </button>
  );
}
