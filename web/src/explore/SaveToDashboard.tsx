import { useEffect, useState } from 'react';
import { ApiError, api, type Dashboard } from '../api';
import type { Lang } from '../format';
import { builtIn, t } from '../i18n';
import type { Exploration } from './state';

const LAST_TARGET = 'zhongtai.saveTarget';

/** Saves the question as a tile: onto a dashboard chosen from the list, or a new one named here. */
export function SaveToDashboard({
  exploration,
  title,
  lang,
}: {
  exploration: Exploration;
  title: string;
  lang: Lang;
}) {
  const [open, setOpen] = useState(false);
  const [boards, setBoards] = useState<Dashboard[]>([]);
  const [target, setTarget] = useState<string>('new');
  const [name, setName] = useState('');
  const [tileTitle, setTileTitle] = useState(title);
  const [said, setSaid] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!open) return;
    setTileTitle(title);
    api
      .dashboards()
      .then((r) => {
        // Only dashboards this person may change take a new tile.
        // The dashboard saved into last, else a new one — never whichever happens to come first.
        const mine = r.dashboards.filter((d) => d.canEdit);
        setBoards(mine);
        const last = localStorage.getItem(LAST_TARGET);
        setTarget(mine.some((d) => String(d.id) === last) ? (last as string) : 'new');
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e : new ApiError(String(e), String(e))));
  }, [open, title]);

  const save = async () => {
    setError(null);
    const tile = { id: `t${Date.now().toString(36)}`, title: tileTitle.trim() || title, exploration };
    try {
      const board =
        target === 'new'
          ? await api.createDashboard({ name: name.trim() || t('myDashboard', lang), tiles: [tile] })
          : await (async () => {
              const current = await api.dashboard(Number(target));
              return api.saveDashboard(current.id, {
                name: current.name,
                tiles: [...current.tiles, tile],
                version: current.version,
              });
            })();
      localStorage.setItem(LAST_TARGET, String(board.id));
      setSaid(`${t('savedTo', lang)} ${board.name}`);
      setOpen(false);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(String(e), String(e)));
    }
  };

  return (
    <div className="save-tile">
      <button type="button" data-testid="save-open" onClick={() => setOpen(!open)}>
        {t('saveToDashboard', lang)}
      </button>
      {said && (
        <span className="muted" data-testid="saved" role="status">
          {' '}
          {said}
        </span>
      )}
      {open && (
        <div className="save-panel" data-testid="save-panel">
          <label>
            {t('tileTitle', lang)}
            <input
              data-testid="tile-title"
              value={tileTitle}
              onChange={(ev) => setTileTitle(ev.target.value)}
            />
          </label>
          <label>
            {t('dashboard', lang)}
            <select data-testid="save-target" value={target} onChange={(ev) => setTarget(ev.target.value)}>
              {boards.map((b) => (
                <option key={b.id} value={String(b.id)}>
                  {builtIn(b.name, lang)}
                </option>
              ))}
              <option value="new">{t('newDashboard', lang)}</option>
            </select>
          </label>
          {target === 'new' && (
            <input
              data-testid="new-dashboard-name"
              placeholder={t('myDashboard', lang)}
              aria-label={t('newDashboard', lang)}
              value={name}
              onChange={(ev) => setName(ev.target.value)}
            />
          )}
          <button type="button" className="active" data-testid="save-confirm" onClick={save}>
            {t('save', lang)}
          </button>
          {error && (
            <span className="tile-message error" role="alert">
              {lang === 'zh' ? error.messageZh : error.message}
            </span>
          )}
        </div>
      )}
    </div>
  );
}
