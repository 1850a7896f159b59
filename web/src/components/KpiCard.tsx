import type { Cell } from '../api';
import { formatChange, formatNumber, type Lang } from '../format';

export function KpiCard(props: {
  id: string;
  label: string;
  value: Cell;
  pct: Cell;
  unit?: string;
  higherIsBetter: boolean;
  lang: Lang;
  /** What the change compares with (yoy, mom …); YoY when not said. */
  compare?: string;
}) {
  const { id, label, value, pct, unit, higherIsBetter, lang, compare } = props;
  const good = typeof pct === 'number' && pct !== 0 ? pct > 0 === higherIsBetter : null;
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
      <div className={`kpi-change ${good === null ? '' : good ? 'good' : 'bad'}`}>
        {typeof pct === 'number' ? (pct > 0 ? '▲ ' : pct < 0 ? '▼ ' : '') : ''}
        {formatChange(pct, lang, compare)}
      </div>
    </section>
  );
}
