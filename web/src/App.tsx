import { useEffect, useMemo, useState } from 'react';
import { ApiError, api, type Catalog, type Theme } from './api';
import { DashboardsPage } from './Dashboards';
import { EmbedPage } from './Embed';
import { ExplorePage } from './Explore';
import { ForecastPage } from './Forecast';
import { addDays, type Lang } from './format';
import { t } from './i18n';
import { Overview } from './Overview';
import { applyTheme, ThemeEditor } from './ThemeEditor';

type Page = 'overview' | 'explore' | 'dashboards' | 'forecast';
const PAGES: Page[] = ['overview', 'explore', 'dashboards', 'forecast'];
const PATHS: Record<Page, string> = {
  overview: '/',
  explore: '/explore',
  dashboards: '/dashboards',
  forecast: '/forecast',
};
const NAV: Record<Page, 'navOverview' | 'navExplore' | 'navDashboards' | 'navForecast'> = {
  overview: 'navOverview',
  explore: 'navExplore',
  dashboards: 'navDashboards',
  forecast: 'navForecast',
};
const TITLES: Record<Page, 'title' | 'exploreTitle' | 'dashboardsTitle' | 'forecastTitle'> = {
  overview: 'title',
  explore: 'exploreTitle',
  dashboards: 'dashboardsTitle',
  forecast: 'forecastTitle',
};
const pageOf = (path: string): Page =>
  PAGES.find((p) => p !== 'overview' && path.startsWith(PATHS[p])) ?? 'overview';
/** /dashboards/12 → 12 */
const dashboardIdOf = (path: string): number | undefined => {
  const id = Number(/^\/dashboards\/(\d+)/.exec(path)?.[1]);
  return Number.isInteger(id) && id > 0 ? id : undefined;
};

const PERIODS = [
  { days: 7, key: 'last7' },
  { days: 30, key: 'last30' },
  { days: 90, key: 'last90' },
] as const;

function initialLang(): Lang {
  const asked = new URLSearchParams(location.search).get('lang') ?? localStorage.getItem('zhongtai.lang');
  return asked === 'en' ? 'en' : 'zh';
}

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [days, setDays] = useState(30);
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [dataEnd, setDataEnd] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [theme, setTheme] = useState<Theme | null>(null);
  const [editingTheme, setEditingTheme] = useState(false);
  // The page and what it shows (a dashboard's id, an exploration) live in the URL: links and reloads keep them.
  const [path, setPath] = useState(location.pathname);
  const page = pageOf(path);

  useEffect(() => {
    const back = () => setPath(location.pathname);
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);
  const navigate = (to: string) => {
    history.pushState(null, '', to);
    setPath(location.pathname);
  };
  const go = (next: Page) => navigate(PATHS[next]);
  const title = t(TITLES[page], lang);

  useEffect(() => {
    Promise.all([api.catalog(), api.health()])
      .then(([c, h]) => {
        setCatalog(c);
        setDataEnd(h.dataRange?.to ?? null);
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e : new ApiError(String(e), String(e))));
    // A server without an application store has no theme: the default one stays.
    api
      .theme()
      .then((kept) => {
        setTheme(kept);
        applyTheme(kept);
      })
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = `${t('product', lang)} · ${title}`;
    localStorage.setItem('zhongtai.lang', lang);
  }, [lang, title]);

  // The period ends on the last day with data, so a demo chain from the past still shows a full period.
  const range = useMemo(
    () => (dataEnd ? { from: addDays(dataEnd, -(days - 1)), to: dataEnd } : null),
    [dataEnd, days],
  );

  // An embedded dashboard is the whole page: no header, no navigation.
  const embedToken = /^\/embed\/([^/]+)$/.exec(path)?.[1];
  if (embedToken)
    return (
      <div className="app">
        {error && <p className="banner error">{lang === 'zh' ? error.messageZh : error.message}</p>}
        {catalog && dataEnd && (
          <EmbedPage token={decodeURIComponent(embedToken)} catalog={catalog} lang={lang} dataEnd={dataEnd} />
        )}
      </div>
    );

  return (
    <div className="app">
      <header className="top">
        <div className="brand">
          <span className="logo" data-testid="logo">
            {theme?.logoImage ? (
              <img src={theme.logoImage} alt={t('product', lang)} />
            ) : (
              (theme?.logoText ?? '中')
            )}
          </span>
          <span>{t('product', lang)}</span>
          <h1>{title}</h1>
          <nav className="nav" aria-label={lang === 'zh' ? '页面' : 'Pages'}>
            {PAGES.map((p) => (
              <a
                key={p}
                href={PATHS[p]}
                data-testid={`nav-${p}`}
                aria-current={page === p ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  go(p);
                }}
              >
                {t(NAV[p], lang)}
              </a>
            ))}
          </nav>
        </div>
        <div className="controls">
          {page === 'overview' && (
            <fieldset className="periods" aria-label={t('period', lang)}>
              {PERIODS.map((p) => (
                <button
                  key={p.days}
                  type="button"
                  aria-pressed={days === p.days}
                  className={days === p.days ? 'active' : ''}
                  onClick={() => setDays(p.days)}
                >
                  {t(p.key, lang)}
                </button>
              ))}
            </fieldset>
          )}
          {page === 'overview' && range && (
            <span className="range" data-testid="range">
              {range.from} ~ {range.to}
            </span>
          )}
          {theme && (
            <button type="button" data-testid="theme-open" onClick={() => setEditingTheme(!editingTheme)}>
              {t('theme', lang)}
            </button>
          )}
          <button
            type="button"
            className="lang"
            data-testid="lang-switch"
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          >
            {t('switchLang', lang)}
          </button>
        </div>
      </header>
      {theme && editingTheme && (
        <ThemeEditor
          theme={theme}
          lang={lang}
          onSaved={(saved) => {
            setTheme(saved);
            setEditingTheme(false);
          }}
        />
      )}
      {error && (
        <p className="banner error" role="alert">
          {lang === 'zh' ? error.messageZh : error.message}
        </p>
      )}
      {dataEnd === null && <p className="banner">{t('noData', lang)}</p>}
      {page === 'overview' && catalog && range && <Overview catalog={catalog} lang={lang} range={range} />}
      {page === 'forecast' && dataEnd && <ForecastPage lang={lang} dataEnd={dataEnd} />}
      {page === 'dashboards' && catalog && dataEnd && (
        <DashboardsPage
          catalog={catalog}
          lang={lang}
          dataEnd={dataEnd}
          id={dashboardIdOf(path)}
          go={navigate}
        />
      )}
      {page === 'explore' && catalog && dataEnd && (
        <ExplorePage catalog={catalog} lang={lang} dataEnd={dataEnd} />
      )}
    </div>
  );
}
