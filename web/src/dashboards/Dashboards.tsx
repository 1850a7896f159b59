import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  ApiError,
  api,
  type Catalog,
  can,
  type Dashboard,
  type DashboardVersion,
  type SavedTile,
  type Share,
} from '../api';
import { downloadBlob } from '../csv';
import { valueLabel } from '../explore/chart';
import { formatDateTime, type Lang } from '../format';
import { builtIn, t } from '../i18n';
import { useQuery } from '../useQuery';
import { DashboardTile } from './DashboardTile';
import { type Controls, controlsFromUrl, controlsToUrl, filtersOf } from './dashboard-controls';
import { dashboardPng } from './dashboard-png';

/** Who sees a dashboard, as its owner picks it; shares set through the API otherwise show as custom. */
const SHARINGS = {
  everyoneViews: [{ kind: 'everyone', name: '', access: 'view' }],
  everyoneEdits: [{ kind: 'everyone', name: '', access: 'edit' }],
  private: [],
} satisfies Record<string, Share[]>;
type Sharing = keyof typeof SHARINGS;

const sharingOf = (shares: Share[]): Sharing | 'custom' =>
  (Object.keys(SHARINGS) as Sharing[]).find((k) => JSON.stringify(SHARINGS[k]) === JSON.stringify(shares)) ??
  'custom';

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
              {builtIn(b.name, lang)}
            </a>
          </h2>
          <p className="muted">
            {b.tiles.length} {t('tiles', lang)} · {formatDateTime(b.updatedAt)} ·{' '}
            <span data-testid="dashboard-owner">{b.owner ?? t('readyMade', lang)}</span>
            {!b.canEdit && ` · ${t('viewOnly', lang)}`}
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
  const [controls, setControls] = useState<Controls>(() => controlsFromUrl());
  const [refresh, setRefresh] = useState(0);
  const [embed, setEmbed] = useState<{ url: string; expiresAt: string } | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const [versions, setVersions] = useState<DashboardVersion[] | null>(null);
  const regions = useQuery(useMemo(() => ({ metrics: ['net_sales'], dimensions: ['region'] }), []));
  useEffect(() => {
    api
      .dashboard(id)
      .then(setBoard)
      .catch((e: unknown) => setError(asError(e)));
  }, [id]);
  useEffect(() => {
    history.replaceState(null, '', `${location.pathname}${controlsToUrl(controls)}`);
    document.body.classList.toggle('screen', controls.screen);
    if (!controls.refreshEvery) return;
    const timer = setInterval(() => setRefresh((n) => n + 1), controls.refreshEvery * 1000);
    return () => clearInterval(timer);
  }, [controls]);
  useEffect(() => () => document.body.classList.remove('screen'), []);
  // Saved from the version shown: a dashboard someone changed meanwhile is refused (409), not overwritten.
  const save = useCallback(
    (change: { tiles?: SavedTile[]; shares?: Share[] }) => {
      if (!board) return;
      api
        .saveDashboard(board.id, {
          name: board.name,
          tiles: change.tiles ?? board.tiles,
          ...(change.shares ? { shares: change.shares } : {}),
          version: board.version,
        })
        .then(setBoard)
        .catch((e: unknown) => setError(asError(e)));
    },
    [board],
  );
  const saveTiles = useCallback((tiles: SavedTile[]) => save({ tiles }), [save]);
  if (error) return <p className="banner error">{lang === 'zh' ? error.messageZh : error.message}</p>;
  if (!board) return <p className="tile-message">{t('loading', lang)}</p>;
  const editable = board.canEdit;
  const showVersions = () =>
    api
      .dashboardVersions(board.id)
      .then((r) => setVersions(r.versions))
      .catch((e: unknown) => setError(asError(e)));
  const restore = (version: number) =>
    api
      .restoreDashboard(board.id, version)
      .then((b) => {
        setBoard(b);
        setVersions(null);
      })
      .catch((e: unknown) => setError(asError(e)));
  const remove = () => {
    if (!window.confirm(`${t('deleteDashboardConfirm', lang)} ${board.name}`)) return;
    api
      .deleteDashboard(board.id)
      .then(() => go('/dashboards'))
      .catch((e: unknown) => setError(asError(e)));
  };
  const set = (change: Partial<Controls>) => setControls({ ...controls, ...change });
  const filters = filtersOf(controls);
  const pick = (dimension: string, value: string) =>
    set({ picks: [...controls.picks.filter((p) => p.dimension !== dimension), { dimension, value }] });
  const makeEmbed = () =>
    api
      .embedLink({ dashboardId: board.id, filters, ...(controls.days ? { days: controls.days } : {}) })
      .then((r) => setEmbed({ url: `${location.origin}${r.path}`, expiresAt: r.expiresAt }))
      .catch((e: unknown) => setError(asError(e)));
  return (
    <main className={`grid${controls.screen ? ' big-screen' : ''}`} data-testid="dashboard">
      <div className="tile wide dashboard-head">
        {!controls.screen && (
          <button type="button" className="link" onClick={() => go('/dashboards')}>
            ‹ {t('backToList', lang)}
          </button>
        )}
        <h2 data-testid="dashboard-name">{builtIn(board.name, lang)}</h2>
        <span className="muted" data-testid="dashboard-owner">
          {t('owner', lang)} {board.owner ?? t('readyMade', lang)}
          {!editable && ` · ${t('viewOnly', lang)}`}
        </span>
        {!controls.screen && board.canDelete && (
          <label>
            {t('sharing', lang)}
            <select
              data-testid="board-sharing"
              value={sharingOf(board.shares)}
              onChange={(ev) => save({ shares: SHARINGS[ev.target.value as Sharing] })}
            >
              {(Object.keys(SHARINGS) as Sharing[]).map((k) => (
                <option key={k} value={k}>
                  {t(`sharing_${k}`, lang)}
                </option>
              ))}
              {sharingOf(board.shares) === 'custom' && (
                <option value="custom">{t('sharing_custom', lang)}</option>
              )}
            </select>
          </label>
        )}
        <label>
          {t('period', lang)}
          <select
            data-testid="board-days"
            value={controls.days}
            onChange={(ev) => set({ days: Number(ev.target.value) })}
          >
            <option value={0}>{t('tilePeriod', lang)}</option>
            {[7, 30, 90, 365].map((n) => (
              <option key={n} value={n}>
                {t(n === 365 ? 'last365' : n === 90 ? 'last90' : n === 30 ? 'last30' : 'last7', lang)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('compare', lang)}
          <select
            data-testid="board-compare"
            value={controls.compare}
            onChange={(ev) => set({ compare: ev.target.value as Controls['compare'] })}
          >
            <option value="">{t('tileCompare', lang)}</option>
            {(['yoy', 'mom', 'wow', 'yoy_weekday'] as const).map((c) => (
              <option key={c} value={c}>
                {t(`compare_${c}`, lang)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {catalog.dimensions.find((d) => d.id === 'region')?.label[lang]}
          <select
            data-testid="board-region"
            value={controls.region}
            onChange={(ev) => set({ region: ev.target.value })}
          >
            <option value="">{t('all', lang)}</option>
            {(regions.result?.rows ?? []).map((r) => (
              <option key={String(r.region)} value={String(r.region)}>
                {String(r.region)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('autoRefresh', lang)}
          <select
            value={controls.refreshEvery}
            onChange={(ev) => set({ refreshEvery: Number(ev.target.value) })}
          >
            <option value={0}>{t('none', lang)}</option>
            <option value={60}>1 min</option>
            <option value={300}>5 min</option>
          </select>
        </label>
        {!controls.screen && can('data.export') && (
          <button type="button" data-testid="embed-make" onClick={makeEmbed}>
            {t('embedLink', lang)}
          </button>
        )}
        {!controls.screen && (
          <button
            type="button"
            data-testid="export-png"
            onClick={async () => {
              const root = document.querySelector<HTMLElement>('[data-testid="dashboard"]');
              if (root) downloadBlob(`${board.name}.png`, await dashboardPng(root, board.name));
            }}
          >
            {t('exportPng', lang)}
          </button>
        )}
        {!controls.screen && (
          // The browser's print dialog saves the dashboard as PDF; the print stylesheet drops the page chrome.
          <button type="button" data-testid="print" onClick={() => window.print()}>
            {t('printPdf', lang)}
          </button>
        )}
        {!controls.screen && (
          <button type="button" data-testid="board-versions" onClick={showVersions}>
            {t('versions', lang)}
          </button>
        )}
        {!controls.screen && board.canDelete && (
          <button type="button" data-testid="board-delete" onClick={remove}>
            {t('deleteDashboard', lang)}
          </button>
        )}
        <button
          type="button"
          data-testid="big-screen"
          onClick={() => {
            // The wall display takes the whole screen where the browser allows it (a click may ask).
            if (!controls.screen) document.documentElement.requestFullscreen?.().catch(() => undefined);
            else if (document.fullscreenElement) document.exitFullscreen().catch(() => undefined);
            set({ screen: !controls.screen });
          }}
        >
          {t(controls.screen ? 'leaveBigScreen' : 'bigScreen', lang)}
        </button>
      </div>
      {controls.picks.length > 0 && (
        <p className="wide picks" data-testid="picks">
          {t('crossFilter', lang)}
          {controls.picks.map((p) => (
            <button
              key={p.dimension}
              type="button"
              className="chip"
              aria-label={`${t('removeFilter', lang)} ${p.value}`}
              onClick={() => set({ picks: controls.picks.filter((x) => x.dimension !== p.dimension) })}
            >
              {catalog.dimensions.find((d) => d.id === p.dimension)?.label[lang]} ={' '}
              {valueLabel(catalog, p.dimension, p.value, lang)} ×
            </button>
          ))}
        </p>
      )}
      {versions && (
        <section className="tile wide" data-testid="board-history">
          <h3>{t('versions', lang)}</h3>
          <table className="table">
            <tbody>
              {versions.map((v) => (
                <tr key={v.version}>
                  <td>v{v.version}</td>
                  <td>{formatDateTime(v.changedAt)}</td>
                  <td>{v.changedBy ?? '—'}</td>
                  <td>
                    {t(
                      `change_${v.change.split(' ')[0] as 'create' | 'update' | 'delete' | 'restore'}`,
                      lang,
                    )}
                  </td>
                  <td>
                    {builtIn(v.name, lang)} · {v.tiles} {t('tiles', lang)}
                  </td>
                  <td>
                    {editable && v.version !== board.version && (
                      <button
                        type="button"
                        data-testid={`restore-${v.version}`}
                        onClick={() => restore(v.version)}
                      >
                        {t('restore', lang)}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {embed && (
        <p className="banner wide embed-link">
          <input readOnly data-testid="embed-url" value={embed.url} onFocus={(ev) => ev.target.select()} />{' '}
          {t('embedValid', lang)} {formatDateTime(embed.expiresAt)}
        </p>
      )}
      {board.tiles.length === 0 && <p className="banner wide">{t('emptyDashboard', lang)}</p>}
      {board.tiles.map((tile, k) => (
        // A slot per tile: drag a tile onto another to put it there; a wide tile spans the row.
        // biome-ignore lint/a11y/noStaticElementInteractions: dragging is a shortcut; the keyboard reorders with 前移
        <div
          key={tile.id}
          className={`tile-slot${tile.wide ? ' wide' : ''}${dragging === tile.id ? ' dragging' : ''}`}
          data-testid={`slot-${tile.id}`}
          draggable={!controls.screen && editable}
          onDragStart={(ev) => {
            ev.dataTransfer.setData('text/plain', tile.id);
            setDragging(tile.id);
          }}
          onDragEnd={() => setDragging(null)}
          onDragOver={(ev) => ev.preventDefault()}
          onDrop={(ev) => {
            ev.preventDefault();
            const from = ev.dataTransfer.getData('text/plain');
            setDragging(null);
            if (!from || from === tile.id) return;
            const moved = board.tiles.find((x) => x.id === from);
            if (!moved) return;
            const rest = board.tiles.filter((x) => x.id !== from);
            rest.splice(
              rest.findIndex((x) => x.id === tile.id),
              0,
              moved,
            );
            saveTiles(rest);
          }}
        >
          <DashboardTile
            tile={tile}
            catalog={catalog}
            lang={lang}
            dataEnd={dataEnd}
            days={controls.days}
            compare={controls.compare}
            filters={filters}
            refresh={refresh}
            onPick={pick}
            actions={{
              go,
              ...(editable ? {} : { readOnly: true }),
              onRemove: () => saveTiles(board.tiles.filter((x) => x.id !== tile.id)),
              onToggleWide: () =>
                saveTiles(board.tiles.map((x) => (x.id === tile.id ? { ...x, wide: !x.wide } : x))),
              ...(k === 0
                ? {}
                : {
                    onMoveUp: () => {
                      const tiles = [...board.tiles];
                      [tiles[k - 1], tiles[k]] = [tiles[k] as SavedTile, tiles[k - 1] as SavedTile];
                      saveTiles(tiles);
                    },
                  }),
            }}
          />
        </div>
      ))}
    </main>
  );
}
