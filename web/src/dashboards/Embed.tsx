import { useEffect, useState } from 'react';
import { ApiError, api, type Catalog, type Dashboard } from '../api';
import { valueLabel } from '../explore/chart';
import type { Lang } from '../format';
import { builtIn, t } from '../i18n';
import { DashboardTile } from './DashboardTile';

type Opened = { dashboard: Dashboard; filters: { dimension: string; value: string }[]; days: number | null };

/**
 * A dashboard embedded in another page by a signed link: no navigation, nothing to edit, its filters fixed
 * by the link (a tile that cannot honour them shows nothing); an altered or expired link says so.
 */
export function EmbedPage({
  token,
  catalog,
  lang,
  dataEnd,
}: {
  token: string;
  catalog: Catalog;
  lang: Lang;
  dataEnd: string;
}) {
  const [opened, setOpened] = useState<Opened | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    document.body.classList.add('embedded');
    api
      .embedded(token)
      .then(setOpened)
      .catch((e: unknown) => setError(e instanceof ApiError ? e : new ApiError(String(e), String(e))));
  }, [token]);
  if (error)
    return (
      <p className="banner error" role="alert" data-testid="embed-refused">
        {lang === 'zh' ? error.messageZh : error.message}
      </p>
    );
  if (!opened) return <p className="tile-message">{t('loading', lang)}</p>;
  const fixed = opened.filters
    .map(
      (f) =>
        `${catalog.dimensions.find((d) => d.id === f.dimension)?.label[lang] ?? f.dimension} = ${valueLabel(catalog, f.dimension, f.value, lang)}`,
    )
    .join('，');
  return (
    <main className="grid" data-testid="embed">
      <div className="tile wide dashboard-head">
        <h2 data-testid="dashboard-name">{builtIn(opened.dashboard.name, lang)}</h2>
        <span className="muted">
          {t('embedded', lang)}
          {fixed && ` · ${fixed}`}
        </span>
      </div>
      {opened.dashboard.tiles.map((tile) => (
        <DashboardTile
          key={tile.id}
          tile={tile}
          catalog={catalog}
          lang={lang}
          dataEnd={dataEnd}
          days={opened.days ?? 0}
          filters={opened.filters}
          strict
          refresh={0}
        />
      ))}
    </main>
  );
}
