import { useEffect, useMemo, useState } from 'react';
import { type Catalog, can } from '../api';
import { Tile } from '../components/Tile';
import type { Lang } from '../format';
import { t } from '../i18n';
import { useQuery } from '../useQuery';
import { valueLabel } from './chart';
import { type DrillTarget, DrillThrough } from './DrillThrough';
import { FilterBar } from './FilterBar';
import { Picker } from './Picker';
import { SaveToDashboard } from './SaveToDashboard';
import {
  current,
  defaultExploration,
  drill,
  type Exploration,
  fromUrl,
  lastMonth,
  lastWeek,
  queryOf,
  TIME_DIMS,
  toUrl,
} from './state';
import { ExplorationView } from './View';

const COMPARES = ['', 'yoy', 'mom', 'wow', 'yoy_weekday', 'custom'] as const;
const REFERENCES = ['', 'average', 'median', 'p90', 'target', 'trend'] as const;
const CHARTS = ['auto', 'line', 'bar', 'pie', 'heatmap', 'multiples', 'table', 'pivot'] as const;

/**
 * 自助分析: pick metrics and dimensions from the catalogue, and the page asks the API and draws the answer;
 * click a bar or a table value to drill down (region → city → store, year → … → day), the breadcrumb goes
 * back; compare with an earlier period, add a reference line. The question lives in the URL.
 */
export function ExplorePage({ catalog, lang, dataEnd }: { catalog: Catalog; lang: Lang; dataEnd: string }) {
  const [drawer, setDrawer] = useState(false);
  const [e, setE] = useState<Exploration>(() => {
    const asked = fromUrl(location.search);
    return asked ? current(asked, dataEnd) : defaultExploration(dataEnd);
  });
  // Where drilling came from, to go back by the breadcrumb.
  const [trail, setTrail] = useState<{ label: string; at: Exploration }[]>([]);
  const [lines, setLines] = useState<DrillTarget | null>(null);
  useEffect(() => {
    history.replaceState(null, '', `${location.pathname}${toUrl(e)}`);
  }, [e]);

  const body = useMemo(() => (e.metrics.length ? queryOf(e) : null), [e]);
  const state = useQuery(body);

  const metricOf = (id: string) => catalog.metrics.find((m) => m.id === id);
  const dimOf = (id: string) => catalog.dimensions.find((d) => d.id === id);
  const cuttable = (dimension: string) => e.metrics.every((m) => metricOf(m)?.dimensions.includes(dimension));
  const toggle = <K extends 'metrics' | 'dimensions'>(key: K, id: string, max: number) =>
    setE((cur) => {
      const list = cur[key];
      const next = list.includes(id) ? list.filter((x) => x !== id) : [...list, id].slice(-max);
      return { ...cur, [key]: next };
    });
  const onDrill = (value: string) => {
    const next = drill(e, catalog, value);
    if (!next) return;
    const dim = e.dimensions[0] as string;
    setTrail((tr) => [
      ...tr,
      { label: `${dimOf(dim)?.label[lang]}: ${valueLabel(catalog, dim, value, lang)}`, at: e },
    ]);
    setE(next);
  };
  const back = (k: number) => {
    const step = trail[k];
    if (!step) return;
    setE(step.at);
    setTrail(trail.slice(0, k));
  };
  const canDrill = Boolean(dimOf(e.dimensions[0] ?? '')?.child) && e.dimensions[0] !== 'day';
  const days = (n: number) => {
    const { toDate: _, ...rest } = e;
    setE(current({ ...rest, rangeDays: n }, dataEnd));
  };
  const toDate = (period: 'month' | 'year') => {
    const { rangeDays: _, ...rest } = e;
    setE(current({ ...rest, toDate: period }, dataEnd));
  };
  const titleOf = (q: Exploration) =>
    q.metrics.map((m) => metricOf(m)?.label[lang] ?? m).join(' · ') +
    (q.dimensions.length ? ` / ${q.dimensions.map((d) => dimOf(d)?.label[lang] ?? d).join(' × ')}` : '');
  // A date typed by hand fixes the range: the question no longer follows the data.
  const setRange = (range: Exploration['range']) => {
    const { rangeDays: _, toDate: __, ...fixed } = e;
    setE({ ...fixed, range });
  };

  return (
    <main className="explore">
      {/* On a phone the pickers are a drawer over the page, opened from the button above the answer. */}
      <aside className={`explore-side${drawer ? ' open' : ''}`} data-testid="explore-drawer">
        <button
          type="button"
          className="drawer-close"
          data-testid="drawer-close"
          onClick={() => setDrawer(false)}
        >
          {t('done', lang)}
        </button>
        <Picker
          title={t('metrics', lang)}
          items={catalog.metrics}
          chosen={e.metrics}
          onToggle={(id) => toggle('metrics', id, 4)}
          lang={lang}
          testId="pick-metrics"
          disabled={(id) => !e.dimensions.every((d) => metricOf(id)?.dimensions.includes(d))}
        />
        <Picker
          title={t('dimensions', lang)}
          items={catalog.dimensions}
          chosen={e.dimensions}
          onToggle={(id) => toggle('dimensions', id, e.chart === 'pivot' ? 3 : 2)}
          lang={lang}
          testId="pick-dimensions"
          disabled={(id) => !cuttable(id)}
        />
      </aside>
      <section className="explore-main">
        <button
          type="button"
          className="drawer-toggle"
          data-testid="drawer-toggle"
          onClick={() => setDrawer(true)}
        >
          {t('pickWhat', lang)}（{e.metrics.length} + {e.dimensions.length}）
        </button>
        <div className="card explore-bar">
          <fieldset className="periods" aria-label={t('period', lang)}>
            {[7, 30, 90, 365].map((n) => (
              <button
                key={n}
                type="button"
                aria-pressed={e.rangeDays === n}
                className={e.rangeDays === n ? 'active' : ''}
                onClick={() => days(n)}
              >
                {t(n === 365 ? 'last365' : n === 90 ? 'last90' : n === 30 ? 'last30' : 'last7', lang)}
              </button>
            ))}
            {(
              [
                ['lastWeek', lastWeek(dataEnd)],
                ['lastMonth', lastMonth(dataEnd)],
              ] as const
            ).map(([name, range]) => {
              const on = !e.rangeDays && !e.toDate && e.range.from === range.from && e.range.to === range.to;
              return (
                <button
                  key={name}
                  type="button"
                  data-testid={`period-${name}`}
                  aria-pressed={on}
                  className={on ? 'active' : ''}
                  onClick={() => setRange(range)}
                >
                  {t(name, lang)}
                </button>
              );
            })}
            {(['month', 'year'] as const).map((period) => (
              <button
                key={period}
                type="button"
                aria-pressed={e.toDate === period}
                className={e.toDate === period ? 'active' : ''}
                onClick={() => toDate(period)}
              >
                {t(period === 'month' ? 'monthToDate' : 'yearToDate', lang)}
              </button>
            ))}
          </fieldset>
          <label>
            {t('from', lang)}
            <input
              type="date"
              value={e.range.from}
              onChange={(ev) =>
                ev.target.value && setE({ ...e, range: { ...e.range, from: ev.target.value } })
              }
            />
          </label>
          <label>
            {t('to', lang)}
            <input
              type="date"
              value={e.range.to}
              onChange={(ev) => ev.target.value && setRange({ ...e.range, to: ev.target.value })}
            />
          </label>
          <label>
            {t('compare', lang)}
            <select
              data-testid="compare"
              value={e.compare}
              onChange={(ev) => {
                const compare = ev.target.value as Exploration['compare'];
                // A custom comparison starts at the same days a year before; the dates can then be moved.
                const year = (d: string) => `${Number(d.slice(0, 4)) - 1}${d.slice(4)}`;
                setE({
                  ...e,
                  compare,
                  ...(compare === 'custom' && !e.compareRange
                    ? { compareRange: { from: year(e.range.from), to: year(e.range.to) } }
                    : {}),
                });
              }}
            >
              {COMPARES.map((c) => (
                <option key={c} value={c}>
                  {t(c ? `compare_${c}` : 'none', lang)}
                </option>
              ))}
            </select>
          </label>
          {e.compare === 'custom' && e.compareRange && (
            <span className="compare-range">
              {(['from', 'to'] as const).map((end) => (
                <input
                  key={end}
                  type="date"
                  data-testid={`compare-${end}`}
                  aria-label={`${t('compare', lang)} ${t(end, lang)}`}
                  value={e.compareRange?.[end] ?? ''}
                  onChange={(ev) =>
                    ev.target.value &&
                    e.compareRange &&
                    setE({ ...e, compareRange: { ...e.compareRange, [end]: ev.target.value } })
                  }
                />
              ))}
            </span>
          )}
          <label>
            {t('reference', lang)}
            <select
              data-testid="reference"
              value={e.reference}
              onChange={(ev) => setE({ ...e, reference: ev.target.value as Exploration['reference'] })}
            >
              {REFERENCES.map((r) => (
                <option key={r} value={r}>
                  {t(r ? `ref_${r}` : 'none', lang)}
                </option>
              ))}
            </select>
          </label>
          {e.reference === 'target' && (
            <input
              type="number"
              aria-label={t('ref_target', lang)}
              data-testid="target"
              value={e.target ?? ''}
              onChange={(ev) => setE({ ...e, target: Number(ev.target.value) })}
            />
          )}
          <label>
            {t('chart', lang)}
            <select
              data-testid="chart-kind"
              value={e.chart}
              onChange={(ev) => {
                const chart = ev.target.value as Exploration['chart'];
                // Three dimensions fit a pivot only (two down, one across): other charts keep the first two.
                setE({
                  ...e,
                  chart,
                  dimensions: chart === 'pivot' ? e.dimensions : e.dimensions.slice(0, 2),
                });
              }}
            >
              {CHARTS.map((c) => (
                <option key={c} value={c}>
                  {t(`chart_${c}`, lang)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <FilterBar
          exploration={e}
          catalog={catalog}
          lang={lang}
          onChange={(filters) => setE({ ...e, filters })}
        />
        <nav className="crumbs" aria-label={t('drillPath', lang)} data-testid="crumbs">
          <button type="button" className="link" onClick={() => back(0)} disabled={trail.length === 0}>
            {t('all', lang)}
          </button>
          {trail.map((step, k) => (
            <span key={step.label}>
              {' › '}
              {k < trail.length - 1 ? (
                <button type="button" className="link" onClick={() => back(k + 1)}>
                  {step.label}
                </button>
              ) : (
                <span>{step.label}</span>
              )}
            </span>
          ))}
        </nav>
        {e.metrics.length === 0 ? (
          <p className="banner">{t('pickMetric', lang)}</p>
        ) : (
          <Tile title={titleOf(e)} state={state} lang={lang} testId="explore-result" wide>
            {can('dashboards.edit') && <SaveToDashboard exploration={e} title={titleOf(e)} lang={lang} />}
            <ExplorationView
              exploration={e}
              state={state}
              catalog={catalog}
              lang={lang}
              onDrill={canDrill ? onDrill : undefined}
              onLines={
                e.dimensions[0] && !TIME_DIMS.includes(e.dimensions[0])
                  ? (value) =>
                      setLines({
                        title: `${dimOf(e.dimensions[0] as string)?.label[lang]}: ${valueLabel(catalog, e.dimensions[0] as string, value, lang)}`,
                        exploration: e,
                        value,
                      })
                  : undefined
              }
            />
          </Tile>
        )}
        {lines && (
          <DrillThrough target={lines} catalog={catalog} lang={lang} onClose={() => setLines(null)} />
        )}
      </section>
    </main>
  );
}
