import { useEffect, useMemo, useState } from 'react';
import { ApiError, api, type Catalog } from './api';
import { addDays, type Lang } from './format';
import { t } from './i18n';
import { Overview } from './Overview';

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

  useEffect(() => {
    Promise.all([api.catalog(), api.health()])
      .then(([c, h]) => {
        setCatalog(c);
        setDataEnd(h.dataRange?.to ?? null);
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e : new ApiError(String(e), String(e))));
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = `${t('product', lang)} · ${t('title', lang)}`;
    localStorage.setItem('zhongtai.lang', lang);
  }, [lang]);

  // The period ends on the last day with data, so a demo chain from the past still shows a full period.
  const range = useMemo(
    () => (dataEnd ? { from: addDays(dataEnd, -(days - 1)), to: dataEnd } : null),
    [dataEnd, days],
  );

  return (
    <div className="app">
      <header className="top">
        <div className="brand">
          <span className="logo">中</span>
          <span>{t('product', lang)}</span>
          <h1>{t('title', lang)}</h1>
        </div>
        <div className="controls">
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
          {range && (
            <span className="range" data-testid="range">
              {range.from} ~ {range.to}
            </span>
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
      {error && (
        <p className="banner error" role="alert">
          {lang === 'zh' ? error.messageZh : error.message}
        </p>
      )}
      {dataEnd === null && <p className="banner">{t('noData', lang)}</p>}
      {catalog && range && <Overview catalog={catalog} lang={lang} range={range} />}
    </div>
  );
}
