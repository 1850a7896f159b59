import type { Cell } from '../api';

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
