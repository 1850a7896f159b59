import { useMemo, useRef, useState } from 'react';
import type { Catalog, QueryBody } from '../api';
import { formatNumber, type Lang } from '../format';
import { t } from '../i18n';
import { useQuery } from '../useQuery';
import { valueLabel } from './chart';
import { PivotShows, TotalsRow, ValueCell } from './pivot-cells';
import { type Exploration, queryOf } from './state';

const ROW_HEIGHT = 34;
const VISIBLE_ROWS = 18;

/**
 * 行列转换: the first metric with the first dimension down and the second across. Totals are asked of the
 * API at their own grain — a ratio's total is computed from its summed parts, never summed or averaged
 * from the cells. Rows sort by any column; cells are shaded by value; only the rows in view are drawn.
 */
export function Pivot({
  exploration,
  catalog,
  lang,
}: {
  exploration: Exploration;
  catalog: Catalog;
  lang: Lang;
}) {
  const [swapped, setSwapped] = useState(false);
  const [sort, setSort] = useState<{ by: string; desc: boolean } | null>(null);
  const [top, setTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const [a, b] = exploration.dimensions as [string, string];
  const [down, across] = swapped ? [b, a] : [a, b];
  const metric = exploration.metrics[0] as string;
  const unit = catalog.metrics.find((m) => m.id === metric)?.unit;
  const base = queryOf({ ...exploration, metrics: [metric], compare: '' });
  const ask = (dimensions: string[]): QueryBody => ({ ...base, dimensions, limit: 10_000 });
  // useQuery keys on the body's text: a body made anew each render asks again only when it changed.
  const cells = useQuery(ask([down, across]));
  const rowTotals = useQuery(ask([down]));
  const colTotals = useQuery(ask([across]));
  const grand = useQuery(ask([]));

  const { rows, cols, value, max } = useMemo(() => {
    const value = new Map<string, number>();
    const rowSet: string[] = [];
    const colSet: string[] = [];
    let max = 0;
    for (const r of cells.result?.rows ?? []) {
      const [x, y] = [String(r[down] ?? ''), String(r[across] ?? '')];
      if (!rowSet.includes(x)) rowSet.push(x);
      if (!colSet.includes(y)) colSet.push(y);
      const v = r[metric];
      if (typeof v === 'number') {
        value.set(`${x}\u0000${y}`, v);
        max = Math.max(max, Math.abs(v));
      }
    }
    return { rows: rowSet, cols: colSet, value, max };
  }, [cells.result, down, across, metric]);
  const rowTotalOf = useMemo(
    () => new Map((rowTotals.result?.rows ?? []).map((r) => [String(r[down] ?? ''), r[metric] ?? null])),
    [rowTotals.result, down, metric],
  );
  const colTotalOf = useMemo(
    () => new Map((colTotals.result?.rows ?? []).map((r) => [String(r[across] ?? ''), r[metric] ?? null])),
    [colTotals.result, across, metric],
  );
  const rowTotal = (x: string) => rowTotalOf.get(x) ?? null;
  const colTotal = (y: string) => colTotalOf.get(y) ?? null;
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const key = (x: string) =>
      (sort.by === '\u0000total' ? rowTotalOf.get(x) : value.get(`${x}\u0000${sort.by}`)) ?? null;
    return [...rows].sort((p, q) => {
      const [u, v] = [key(p), key(q)];
      if (u === v) return 0;
      if (u === null) return 1;
      if (v === null) return -1;
      return (u < v ? -1 : 1) * (sort.desc ? -1 : 1);
    });
  }, [rows, sort, value, rowTotalOf]);
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - 2);
  const shown = sorted.slice(first, first + VISIBLE_ROWS + 4);
  const fmt = (v: unknown) => formatNumber(typeof v === 'number' ? v : null, unit, lang);
  const shade = (v: number | undefined) =>
    v === undefined || max === 0
      ? undefined
      : `rgba(46, 134, 222, ${(0.08 + 0.5 * (Math.abs(v) / max)).toFixed(3)})`;
  const sortBy = (by: string) => setSort(sort?.by === by ? { by, desc: !sort.desc } : { by, desc: true });
  const arrow = (by: string) => (sort?.by === by ? (sort.desc ? ' ▼' : ' ▲') : '');
  const label = (dim: string, v: string) => valueLabel(catalog, dim, v, lang);

  return (
    <div className="pivot" data-testid="pivot">
      <PivotShows exploration={exploration} catalog={catalog} lang={lang} />
      <div className="pivot-bar">
        <button type="button" data-testid="pivot-swap" onClick={() => setSwapped(!swapped)}>
          {t('swapRowsColumns', lang)}
        </button>
        <span className="muted">
          {catalog.metrics.find((m) => m.id === metric)?.label[lang]} · {rows.length} × {cols.length}
        </span>
      </div>
      <div
        className="pivot-scroll"
        ref={box}
        style={{ maxHeight: ROW_HEIGHT * VISIBLE_ROWS + 80 }}
        onScroll={(ev) => setTop(ev.currentTarget.scrollTop)}
      >
        <table className="table pivot-table">
          <thead>
            <tr>
              <th>
                {`${catalog.dimensions.find((d) => d.id === down)?.label[lang]} / ${catalog.dimensions.find((d) => d.id === across)?.label[lang]}`}
              </th>
              {cols.map((y) => (
                <th key={y} className="num sortable" onClick={() => sortBy(y)}>
                  {label(across, y)}
                  {arrow(y)}
                </th>
              ))}
              <th className="num sortable total" onClick={() => sortBy('\u0000total')}>
                {t('total', lang)}
                {arrow('\u0000total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {first > 0 && <tr className="spacer" style={{ height: first * ROW_HEIGHT }} />}
            {shown.map((x) => (
              <tr key={x} style={{ height: ROW_HEIGHT }} data-row={x}>
                <th>{label(down, x)}</th>
                {cols.map((y) => {
                  const v = value.get(`${x}\u0000${y}`);
                  return <ValueCell key={y} col={y} value={v} fmt={fmt} background={shade(v)} />;
                })}
                <ValueCell col="total" value={rowTotal(x)} fmt={fmt} total />
              </tr>
            ))}
            {sorted.length > first + shown.length && (
              <tr
                className="spacer"
                style={{ height: (sorted.length - first - shown.length) * ROW_HEIGHT }}
              />
            )}
          </tbody>
          <tfoot>
            <TotalsRow
              label={t('total', lang)}
              cols={cols}
              totalOf={colTotal}
              grand={grand.result?.rows[0]?.[metric]}
              fmt={fmt}
            />
          </tfoot>
        </table>
      </div>
    </div>
  );
}
