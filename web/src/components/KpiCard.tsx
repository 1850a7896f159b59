import type { Cell, Coverage } from '../api';
import { coverageNote, formatChange, formatNumber, formatPointChange, type Lang } from '../format';

/**
 * One KPI with its change against the comparison: a % change, or for a ratio (毛利率, 转化率) the change in
 * percentage points; greyed, with a note, when the comparison period is partly empty.
 */
export function KpiCard(props: {
  id: string;
  label: string;
  value: Cell;
  pct: Cell;
  /** The change in the metric's own terms (percentage points for a ratio). */
  delta?: Cell;
  unit?: string;
  higherIsBetter: boolean;
  lang: Lang;
  /** What the change compares with (yoy, mom …); YoY when not said. */
  compare?: string;
  /** The comparison period's coverage. */
  coverage?: Coverage | undefined;
}) {
  const { id, label, value, pct, delta, unit, higherIsBetter, lang, compare, coverage } = props;
  const points = unit === 'percent';
  const change = points ? (delta ?? null) : pct;
  const note = coverageNote(coverage, lang, compare);
  const good = typeof change === 'number' && change !== 0 ? change > 0 === higherIsBetter : null;
  return (
    <section className="card kpi" data-testid={`kpi-${id}`} aria-label={label}>
      <h3>{label}</h3>
      <div
        className="kpi-value"
        data-testid={`kpi-${id}-value`}
        data-raw={typeof value === 'number' ? value : ''}
      >
        {formatNumber(value, unit, lang)}
      </div>
      <div
        className={`kpi-change ${note ? 'partial' : good === null ? '' : good ? 'good' : 'bad'}`}
        data-testid={`kpi-${id}-change`}
      >
        {typeof change === 'number' ? (change > 0 ? '▲ ' : change < 0 ? '▼ ' : '') : ''}
        {points ? formatPointChange(change, lang, compare) : formatChange(change, lang, compare)}
      </div>
      {note && (
        <div className="kpi-coverage" data-testid={`kpi-${id}-coverage`}>
          {note}
        </div>
      )}
    </section>
  );
}
