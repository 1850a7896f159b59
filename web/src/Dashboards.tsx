import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, type Catalog, type Dashboard, type SavedTile } from './api';
import { Tile } from './components/Tile';
import { current, queryOf, toUrl } from './explore/state';
import { ExplorationView } from './explore/View';
import type { Lang } from './format';
import { t } from './i18n';
import { useQuery } from './useQuery';

const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(String(e), String(e)));

/** 看板: the list, or one dashboard whose tiles each ask their own question (one slow tile holds none back). */
export function DashboardsPage({
  catalog,
  lang,
  dataEnd,
  id,
  go,
}: {
  catalog: Catalog;
  lang: Lang;
  dataEnd: string;
  /** The dashboard shown; the list when absent. */
  id?: number;
  go: (path: string) => void;
}) {
  return id ? (
    <DashboardView id={id} catalog={catalog} lang={lang} dataEnd={dataEnd} go={go} />
  ) : (
    <DashboardList lang={lang} go={go} />
  );
}

function DashboardList({ lang, go }: { lang: Lang; go: (path: string) => void }) {
  const [boards, setBoards] = useState<Dashboard[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    api
      .dashboards()
      .then((r) => setBoards(r.dashboards))
      .catch((e: unknown) => setError(asError(e)));
  }, []);
  if (error) return <p className="banner error">{lang === 'zh' ? error.messageZh : error.message}</p>;
  if (!boards) return <p className="tile-message">{t('loading', lang)}</p>;
  if (boards.length === 0) return <p className="banner">{t('noDashboards', lang)}</p>;
  return (
    <main className="grid" data-testid="dashboard-list">
      {boards.map((b) => (
        <section key={b.id} className="card">
          <h2>
            <a
              href={`/dashboards/${b.id}`}
              onClick={(ev) => {
                ev.preventDefault();
                go(`/dashboards/${b.id}`);
              }}
            >
              {b.name}
            </a>
          </h2>
          <p className="muted">
            {b.tiles.length} {t('tiles', lang)} · {b.updatedAt.slice(0, 16).replace('T', ' ')}
          </p>
        </section>
      ))}
    </main>
  );
}

function DashboardView({
  id,
  catalog,
  lang,
  dataEnd,
  go,
}: {
  id: number;
  catalog: Catalog;
  lang: Lang;
  dataEnd: string;
  go: (path: string) => void;
}) {
  const [board, setBoard] = useState<Dashboard | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    api
      .dashboard(id)
      .then(setBoard)
      .catch((e: unknown) => setError(asError(e)));
  }, [id]);
  const saveTiles = useCallback(
    (tiles: SavedTile[]) => {
      if (!board) return;
      api
        .saveDashboard(board.id, { name: board.name, tiles })
        .then(setBoard)
        .catch((e: unknown) => setError(asError(e)));
    },
    [board],
  );
  if (error) return <p className="banner error">{lang === 'zh' ? error.messageZh : error.message}</p>;
  if (!board) return <p className="tile-message">{t('loading', lang)}</p>;
  return (
    <main className="grid" data-testid="dashboard">
      <div className="tile wide dashboard-head">
        <button type="button" className="link" onClick={() => go('/dashboards')}>
          ‹ {t('backToList', lang)}
        </button>
        <h2 data-testid="dashboard-name">{board.name}</h2>
      </div>
      {board.tiles.length === 0 && <p className="banner wide">{t('emptyDashboard', lang)}</p>}
      {board.tiles.map((tile, k) => (
        <DashboardTile
          key={tile.id}
          tile={tile}
          catalog={catalog}
          lang={lang}
          dataEnd={dataEnd}
          go={go}
          onRemove={() => saveTiles(board.tiles.filter((x) => x.id !== tile.id))}
          onMoveUp={
            k === 0
              ? undefined
              : () => {
                  const tiles = [...board.tiles];
                  [tiles[k - 1], tiles[k]] = [tiles[k] as SavedTile, tiles[k - 1] as SavedTile];
                  saveTiles(tiles);
                }
          }
        />
      ))}
    </main>
  );
}

function DashboardTile({
  tile,
  catalog,
  lang,
  dataEnd,
  go,
  onRemove,
  onMoveUp,
}: {
  tile: SavedTile;
  catalog: Catalog;
  lang: Lang;
  dataEnd: string;
  go: (path: string) => void;
  onRemove: () => void;
  onMoveUp?: () => void;
}) {
  const exploration = useMemo(() => current(tile.exploration, dataEnd), [tile.exploration, dataEnd]);
  const state = useQuery(useMemo(() => queryOf(exploration), [exploration]));
  return (
    <Tile title={tile.title} state={state} lang={lang} testId={`tile-${tile.id}`}>
      <div className="tile-actions">
        <button type="button" className="link" onClick={() => go(`/explore${toUrl(tile.exploration)}`)}>
          {t('openInExplore', lang)}
        </button>
        {onMoveUp && (
          <button type="button" className="link" onClick={onMoveUp}>
            {t('moveUp', lang)}
          </button>
        )}
        <button type="button" className="link" data-testid="remove-tile" onClick={onRemove}>
          {t('removeTile', lang)}
        </button>
      </div>
      <ExplorationView
        exploration={exploration}
        state={state}
        catalog={catalog}
        lang={lang}
        table={false}
        height={280}
      />
    </Tile>
  );
}
