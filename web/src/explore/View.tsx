import { useMemo } from 'react';
import type { Catalog } from '../api';
import { Chart } from '../components/Chart';
import { KpiCard } from '../components/KpiCard';
import { coverageNote, formatNumber, type Lang } from '../format';
import { type QueryState, useQuery } from '../useQuery';
import { chartKind, chartOption } from './chart';
import { GroupedPivot } from './GroupedPivot';
import { Multiples } from './Multiples';
import { OTHERS, othersQuery, topValues, withOthers } from './others';
import { Pivot } from './Pivot';
import { ResultTable } from './ResultTable';
import { heatmapOption, pieOption } from './shapes';
import { type Exploration, queryOf } from './state';

/** An answer drawn as its question wants: KPI cards, a chart with its table, or a table alone. */
export function ExplorationView({
  exploration: e,
  state,
  catalog,
  lang,
  onDrill,
  onLines,
  table = true,
  height = 360,
}: {
  exploration: Exploration;
  state: QueryState;
  catalog: Catalog;
  lang: Lang;
  onDrill?: (value: string) => void;
  onLines?: (value: string) => void;
  /** Show the table under a chart (the explore page does; a dashboard tile does not). */
  table?: boolean;
  height?: number;
}) {
  const kind = chartKind(e);
  // Many bars: the top ones, and the rest as one bar asked of the API.
  const top = topValues(e, kind, state.result);
  const others = useQuery(top ? othersQuery(e, top) : null);
  // A ratio's average line is the ratio of the whole (summed parts over every row shown), asked of the API.
  const first = catalog.metrics.find((m) => m.id === e.metrics[0]);
  const weighted = e.reference === 'average' && first?.additive === false && e.dimensions.length === 1;
  const wholeQuery = useMemo(() => {
    if (!weighted) return null;
    const { compare: _, ...asked } = queryOf({
      ...e,
      metrics: [e.metrics[0] as string],
      dimensions: [],
      compare: '',
    });
    return asked;
  }, [weighted, e]);
  const whole = useQuery(wholeQuery);
  const wholeValue = whole.result?.rows[0]?.[e.metrics[0] as string];
  // The rest of a sum (sales, counts) would dwarf the top 30 as a bar: it is said under the chart instead.
  // A ratio of the rest (its margin) sits among the others' values, so it stays a bar.
  const restAsBar = first?.additive === false;
  const charted =
    top && state.result && others.result
      ? restAsBar
        ? withOthers(state.result, e, others.result, top)
        : withOthers(state.result, e, { ...others.result, rows: [] }, top)
      : state.result;
  const restValue = top && !restAsBar ? others.result?.rows[0]?.[e.metrics[0] as string] : undefined;
  const drawn = useMemo(
    () =>
      !state.result || !charted
        ? null
        : kind === 'line' || kind === 'bar'
          ? chartOption(charted, e, catalog, lang, typeof wholeValue === 'number' ? wholeValue : null)
          : kind === 'pie'
            ? { option: pieOption(state.result, e, catalog, lang), reference: null, height: undefined }
            : kind === 'heatmap'
              ? { option: heatmapOption(state.result, e, catalog, lang), reference: null, height: undefined }
              : null,
    [state.result, charted, e, catalog, lang, kind, wholeValue],
  );
  const metricOf = (id: string) => catalog.metrics.find((m) => m.id === id);
  const coverage = state.result?.meta.coverage;
  const notes = [
    coverageNote(coverage?.period, lang, 'current'),
    coverageNote(coverage?.comparison, lang, e.compare || 'custom'),
  ].filter((n): n is string => n !== null);
  return (
    <>
      {kind !== 'kpi' && notes.length > 0 && (
        <p className="coverage-note" data-testid="coverage-note" role="note">
          {notes.join(lang === 'zh' ? '；' : '; ')}
        </p>
      )}
      {kind === 'kpi' && (
        <div className="kpis">
          {e.metrics.map((id) => (
            <KpiCard
              key={id}
              id={id}
              label={metricOf(id)?.label[lang] ?? id}
              value={state.result?.rows[0]?.[id] ?? null}
              pct={state.result?.rows[0]?.[`${id}_pct`] ?? null}
              delta={state.result?.rows[0]?.[`${id}_delta`] ?? null}
              coverage={state.result?.meta.coverage?.comparison}
              unit={metricOf(id)?.unit}
              higherIsBetter={metricOf(id)?.higherIsBetter ?? true}
              lang={lang}
              compare={e.compare || undefined}
            />
          ))}
        </div>
      )}
      {drawn && (
        <div
          data-testid="explore-chart"
          data-kind={kind}
          data-reference={drawn.reference ?? ''}
          data-others={
            top && others.result ? String(others.result.rows[0]?.[e.metrics[0] as string] ?? '') : ''
          }
        >
          <Chart
            option={drawn.option}
            height={Math.max(height, drawn.height ?? 0)}
            onPick={onDrill ? (value) => value !== OTHERS && onDrill(value) : undefined}
          />
          {typeof restValue === 'number' && (
            <p className="muted chart-note" data-testid="others-note">
              {lang === 'zh'
                ? `其余合计 ${formatNumber(restValue, first?.unit, lang)}（未画出，以免压扁前 ${top?.length ?? 0} 名）`
                : `The rest: ${formatNumber(restValue, first?.unit, lang)} in total (not drawn, so the top ${top?.length ?? 0} stay readable)`}
            </p>
          )}
        </div>
      )}
      {kind === 'pivot' &&
        (e.dimensions.length === 3 ? (
          <GroupedPivot exploration={e} catalog={catalog} lang={lang} />
        ) : (
          <Pivot exploration={e} catalog={catalog} lang={lang} />
        ))}
      {kind === 'multiples' && state.result && (
        <Multiples result={state.result} exploration={e} catalog={catalog} lang={lang} />
      )}
      {state.result &&
        (kind === 'line' ||
          kind === 'bar' ||
          kind === 'pie' ||
          kind === 'heatmap' ||
          kind === 'multiples' ||
          kind === 'table') &&
        (table || kind === 'table') && (
          <ResultTable
            result={state.result}
            catalog={catalog}
            lang={lang}
            onDrill={onDrill}
            onLines={onLines}
            compare={e.compare}
          />
        )}
    </>
  );
}
