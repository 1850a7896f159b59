import type { Catalog, Cell } from '../api';
import type { Lang } from '../format';

/** One figure of a pivot, with its raw value kept for tests and exports. */
export function ValueCell({
  col,
  value,
  fmt,
  total = false,
  background,
}: {
  col: string;
  value: Cell | undefined;
  fmt: (v: unknown) => string;
  total?: boolean;
  background?: string | undefined;
}) {
  return (
    <td
      className={`num${total ? ' total' : ''}`}
      style={background ? { background } : undefined}
      data-col={col}
      data-raw={String(value ?? '')}
    >
      {fmt(value)}
    </td>
  );
}

/** The 合计 row under a pivot: each column's total, then the grand total. */
export function TotalsRow({
  label,
  blank = false,
  cols,
  totalOf,
  grand,
  fmt,
}: {
  label: string;
  /** An empty header cell after the label, under a second row dimension. */
  blank?: boolean;
  cols: string[];
  totalOf: (col: string) => Cell | undefined;
  grand: Cell | undefined;
  fmt: (v: unknown) => string;
}) {
  return (
    <tr data-row="total">
      <th>{label}</th>
      {blank && <th />}
      {cols.map((c) => (
        <ValueCell key={c} col={c} value={totalOf(c)} fmt={fmt} total />
      ))}
      <ValueCell col="total" value={grand} fmt={fmt} total />
    </tr>
  );
}

/**
 * What a pivot leaves out, said plainly: it shows the first metric, without its comparison. The other
 * metrics and the comparison are in the table view of the same question.
 */
export function PivotShows({
  exploration,
  catalog,
  lang,
}: {
  exploration: { metrics: string[]; compare: string };
  catalog: Catalog;
  lang: Lang;
}) {
  const name = (id: string) => catalog.metrics.find((m) => m.id === id)?.label[lang] ?? id;
  const [first, ...rest] = exploration.metrics;
  if (!first || (rest.length === 0 && !exploration.compare)) return null;
  const left = [
    ...(rest.length ? [rest.map(name).join(lang === 'zh' ? '、' : ', ')] : []),
    ...(exploration.compare ? [lang === 'zh' ? '对比期与变化' : 'the comparison and its change'] : []),
  ].join(lang === 'zh' ? '和' : ' and ');
  return (
    <p className="coverage-note" data-testid="pivot-shows" role="note">
      {lang === 'zh'
        ? `透视表只显示第一个指标「${name(first)}」；${left}请切换到「表格」查看。`
        : `The pivot shows the first metric, ${name(first)}; for ${left}, switch the chart to Table.`}
    </p>
  );
}
