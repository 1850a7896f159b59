import { useMemo } from 'react';
import type { Catalog, QueryResult } from '../api';
import { Chart } from '../components/Chart';
import type { Lang } from '../format';
import { chartOption, valueLabel } from './chart';
import { type Exploration, TIME_DIMS } from './state';

const MAX = 12;

/**
 * Small multiples (拆分): one small chart per value of the second dimension, each the first dimension
 * across, on a shared scale so the panels compare at a glance.
 */
export function Multiples({
  result,
  exploration: e,
  catalog,
  lang,
}: {
  result: QueryResult;
  exploration: Exploration;
  catalog: Catalog;
  lang: Lang;
}) {
  const [axis, split] = e.dimensions as [string, string];
  const panels = useMemo(() => {
    const values = [...new Set(result.rows.map((r) => String(r[split] ?? '')))].slice(0, MAX);
    const single: Exploration = { ...e, dimensions: [axis], chart: 'auto', reference: '' };
    const metric = e.metrics[0] as string;
    // The comparison's bars share the scale too, or they are clipped in some panels.
    const top = Math.max(
      0,
      ...result.rows.flatMap((r) =>
        [r[metric], r[`${metric}_prev`]].map((v) => (typeof v === 'number' ? v : 0)),
      ),
    );
    // One order of the axis in every panel (the answer's order), so 华东 is in the same place in each.
    const order = [...new Set(result.rows.map((r) => String(r[axis] ?? '')))];
    if (TIME_DIMS.includes(axis)) order.sort();
    // One scale for every panel, rounded up to two significant digits so its ticks read well.
    const step = top > 0 ? 10 ** (Math.floor(Math.log10(top)) - 1) : 1;
    const max = Math.ceil(top / step) * step;
    return values.map((value) => {
      const rows = result.rows.filter((r) => String(r[split] ?? '') === value);
      const { option } = chartOption({ ...result, rows }, single, catalog, lang, null, { order });
      const yAxis = (option.yAxis as object[]).map((y, k) => (k === 0 ? { ...y, max } : y));
      return { value, option: { ...option, yAxis, legend: { show: false } } };
    });
  }, [result, e, axis, split, catalog, lang]);
  return (
    <div className="multiples">
      {panels.map((p) => (
        <figure key={p.value} className="multiple" data-testid="multiple">
          <figcaption>{valueLabel(catalog, split, p.value, lang)}</figcaption>
          <Chart option={p.option} height={200} />
        </figure>
      ))}
    </div>
  );
}
