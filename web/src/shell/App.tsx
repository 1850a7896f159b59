import { useEffect, useMemo, useState } from 'react';
import { AdminPage } from '../admin/Admin';
import { AlertsPage } from '../alerts/AlertsPage';
import { SubscriptionsPage } from '../alerts/Subscriptions';
import { CampaignsPage } from '../analytics/Campaigns';
import { MemberAnalyticsPage } from '../analytics/MemberAnalytics';
import {
  ApiError,
  api,
  auth,
  type Catalog,
  can,
  type Me,
  SIGNED_OUT,
  setEmbedToken,
  type Theme,
} from '../api';
import { DashboardsPage } from '../dashboards/Dashboards';
import { EmbedPage } from '../dashboards/Embed';
import { ExplorePage } from '../explore/Explore';
import { ForecastPage } from '../forecast/Forecast';
import { addDays, type Lang } from '../format';
import { type TextKey, t } from '../i18n';
import { MembersPage } from '../members/Members';
import { Overview } from '../overview/Overview';
import { StoreHome } from '../overview/StoreHome';
import { PortalPage } from '../portal/Portal';
import { PromotionsPage } from '../promotions/Promotions';
import { TargetsPage } from '../targets/TargetsPage';
import { WorkforcePage } from '../workforce/Workforce';
import { PasswordForm } from './PasswordForm';
import { SignIn } from './SignIn';
import { applyTheme, ThemeEditor } from './ThemeEditor';

type Page =
  | 'overview'
  | 'portal'
  | 'explore'
  | 'dashboards'
  | 'forecast'
  | 'members'
  | 'analytics'
  | 'promotions'
  | 'campaigns'
  | 'alerts'
  | 'targets'
  | 'workforce'
  | 'subscriptions'
  | 'admin';
const PAGES: Page[] = [
  'overview',
  'portal',
  'explore',
  'dashboards',
  'forecast',
  'members',
  'analytics',
  'promotions',
  'campaigns',
  'alerts',
  'targets',
  'workforce',
  'subscriptions',
  'admin',
];
const PATHS: Record<Page, string> = {
  overview: '/',
  portal: '/portal',
  explore: '/explore',
  dashboards: '/dashboards',
  forecast: '/forecast',
  members: '/members',
  analytics: '/member-analytics',
  promotions: '/promotions',
  campaigns: '/campaigns',
  alerts: '/alerts',
  targets: '/targets',
  workforce: '/workforce',
  subscriptions: '/subscriptions',
  admin: '/admin',
};
const NAV: Record<Page, TextKey> = {
  overview: 'navOverview',
  portal: 'navPortal',
  explore: 'navExplore',
  dashboards: 'navDashboards',
  forecast: 'navForecast',
  members: 'navMembers',
  analytics: 'navAnalytics',
  promotions: 'navPromotions',
  campaigns: 'navCampaigns',
  alerts: 'navAlerts',
  targets: 'navTargets',
  workforce: 'navWorkforce',
  subscriptions: 'navSubscriptions',
  admin: 'navAdmin',
};
const TITLES: Record<Page, TextKey> = {
  overview: 'title',
  portal: 'portalTitle',
  explore: 'exploreTitle',
  dashboards: 'dashboardsTitle',
  forecast: 'forecastTitle',
  members: 'membersTitle',
  analytics: 'analyticsTitle',
  promotions: 'promotionsTitle',
  campaigns: 'campaignsTitle',
  alerts: 'alertsTitle',
  targets: 'targetsTitle',
  workforce: 'workforceTitle',
  subscriptions: 'subscriptionsTitle',
  admin: 'navAdmin',
};

/** A supplier's grants reach products, not stores: store pages (footfall, tickets) are not for it. */
const isSupplier = (me: Me) =>
  !me.scope.all && me.scope.grants.length > 0 && me.scope.grants.every((g) => g.kind === 'supplier');

/** One store granted (a store manager): the home is that store's, not a chain's overview. */
const oneStore = (me: Me | null) =>
  Boolean(me && !me.scope.all && me.scope.grants.length === 1 && me.scope.grants[0]?.kind === 'store');

/** The pages a person may open: suppliers get their portal, administrators user management. */
function pagesFor(me: Me): Page[] {
  if (isSupplier(me)) return ['portal', 'explore', 'dashboards'];
  return PAGES.filter(
    (p) =>
      p !== 'portal' &&
      (p !== 'admin' || can('users.manage')) &&
      (p !== 'members' || can('members.read')) &&
      // Member analytics: members in bulk, within the reader's stores (a till reads members one at a time).
      (p !== 'analytics' || (can('members.read') && can('data.read'))) &&
      (p !== 'promotions' || can('promotions.edit')) &&
      // Campaigns compare members across the chain: for those who see all of it.
      (p !== 'campaigns' || (can('members.read') && can('data.read') && me.scope.all)) &&
      (p !== 'alerts' || can('alerts.manage')) &&
      (p !== 'targets' || can('targets.edit')) &&
      // 排班/考勤: the planners, and anyone granted stores who reads (a store manager).
      (p !== 'workforce' || (can('data.read') && (can('workforce.plan') || !me.scope.all))) &&
      (p !== 'subscriptions' || can('alerts.manage')),
  );
}
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
  const [changingPassword, setChangingPassword] = useState(false);
  const [engine, setEngine] = useState('duckdb');
  // The page and what it shows (a dashboard's id, an exploration) live in the URL: links and reloads keep them.
  const [path, setPath] = useState(location.pathname);
  // An embedded dashboard reads with its link's token; every other page needs someone signed in.
  const embedToken = /^\/embed\/([^/]+)$/.exec(path)?.[1];
  if (embedToken) setEmbedToken(decodeURIComponent(embedToken));
  const [me, setMe] = useState<Me | null | undefined>(embedToken ? null : undefined);
  // Forecasts are trained and kept in the embedded warehouse: a server on ClickHouse has no such page.
  const allowed = me ? pagesFor(me).filter((p) => p !== 'forecast' || engine === 'duckdb') : [];
  const asked = pageOf(path);
  const page = allowed.includes(asked) ? asked : (allowed[0] ?? 'overview');

  useEffect(() => {
    if (embedToken) return;
    auth.me().then(setMe, () => setMe(null));
    const signedOut = () => setMe(null);
    window.addEventListener(SIGNED_OUT, signedOut);
    return () => window.removeEventListener(SIGNED_OUT, signedOut);
  }, [embedToken]);

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
    if (!me && !embedToken) return;
    Promise.all([api.catalog(), api.health()])
      .then(([c, h]) => {
        setCatalog(c);
        setDataEnd(h.dataRange?.to ?? null);
        setEngine(h.engine);
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
  }, [me, embedToken]);

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
  if (embedToken)
    return (
      <div className="app">
        {/* The link itself is refused (altered, expired, its maker disabled) before anything loads. */}
        {error && (
          <p className="banner error" role="alert" data-testid="embed-refused">
            {lang === 'zh' ? error.messageZh : error.message}
          </p>
        )}
        {catalog && dataEnd && (
          <EmbedPage token={decodeURIComponent(embedToken)} catalog={catalog} lang={lang} dataEnd={dataEnd} />
        )}
      </div>
    );

  if (me === undefined) return <p className="tile-message">{t('loading', lang)}</p>;
  if (me === null)
    return (
      <div className="app">
        <SignIn lang={lang} onLang={() => setLang(lang === 'zh' ? 'en' : 'zh')} onSignedIn={setMe} />
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
            {allowed.map((p) => (
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
          {theme && can('settings.edit') && (
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
          <button
            type="button"
            className="user"
            data-testid="user"
            title={`${me.role} · ${t('changePassword', lang)}`}
            onClick={() => setChangingPassword(!changingPassword)}
          >
            {me.displayName}
          </button>
          <button
            type="button"
            data-testid="sign-out"
            onClick={() => {
              auth.signOut().finally(() => {
                setMe(null);
                setCatalog(null);
              });
            }}
          >
            {t('signOut', lang)}
          </button>
        </div>
      </header>
      {changingPassword && <PasswordForm lang={lang} onDone={() => setChangingPassword(false)} />}
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
      {page === 'overview' &&
        catalog &&
        range &&
        (oneStore(me) && dataEnd ? (
          <StoreHome catalog={catalog} lang={lang} range={range} dataEnd={dataEnd} go={navigate} />
        ) : (
          <Overview catalog={catalog} lang={lang} range={range} />
        ))}
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
      {page === 'portal' && catalog && dataEnd && (
        <PortalPage catalog={catalog} lang={lang} dataEnd={dataEnd} />
      )}
      {page === 'admin' && <AdminPage lang={lang} />}
      {page === 'members' && <MembersPage lang={lang} />}
      {page === 'analytics' && <MemberAnalyticsPage lang={lang} />}
      {page === 'promotions' && <PromotionsPage lang={lang} />}
      {page === 'campaigns' && <CampaignsPage lang={lang} />}
      {page === 'alerts' && catalog && <AlertsPage lang={lang} catalog={catalog} />}
      {page === 'subscriptions' && <SubscriptionsPage lang={lang} />}
      {page === 'workforce' && dataEnd && <WorkforcePage lang={lang} dataEnd={dataEnd} />}
      {page === 'targets' && catalog && range && (
        <TargetsPage lang={lang} catalog={catalog} dataEnd={range.to} />
      )}
      {page === 'explore' && catalog && dataEnd && (
        <ExplorePage catalog={catalog} lang={lang} dataEnd={dataEnd} />
      )}
    </div>
  );
}
