import type { Catalog, QueryBody, Row } from '../api';
import { formatNumber, type Lang } from '../format';
import { t } from '../i18n';
import { useQuery } from '../useQuery';
import { valueLabel } from './chart';
import { PivotShows, TotalsRow, ValueCell } from './pivot-cells';
import { type Exploration, queryOf } from './state';

const key = (...parts: unknown[]) => parts.map((p) => String(p ?? '')).join('\u0000');

/**
 * 透视表 of two row dimensions and one column dimension: each outer value's rows, then its 小计 (subtotal), then the
 * 合计 (total). Every subtotal and total is asked of the API at its own grain, so a ratio there comes from its
 * summed parts.
 */
export function GroupedPivot({
  exploration: e,
  catalog,
  lang,
}: {
  exploration: Exploration;
  catalog: Catalog;
  lang: Lang;
}) {
  const [outer, inner, across] = e.dimensions as [string, string, string];
  const metric = e.metrics[0] as string;
  const unit = catalog.metrics.find((m) => m.id === metric)?.unit;
  const base = queryOf({ ...e, metrics: [metric], compare: '' });
  const ask = (dimensions: string[]): QueryBody => ({ ...base, dimensions, limit: 20_000 });
  // useQuery keys on the body's text: bodies made anew each render ask again only when they changed.
  const cells = useQuery(ask([outer, inner, across]));
  const rowTotals = useQuery(ask([outer, inner]));
  const subCells = useQuery(ask([outer, across]));
  const subTotals = useQuery(ask([outer]));
  const colTotals = useQuery(ask([across]));
  const grand = useQuery(ask([]));

  const index = (rows: Row[] | undefined, dims: string[]) =>
    new Map((rows ?? []).map((r) => [key(...dims.map((d) => r[d])), r[metric] ?? null]));
  const cell = index(cells.result?.rows, [outer, inner, across]);
  const rowTotal = index(rowTotals.result?.rows, [outer, inner]);
  const subCell = index(subCells.result?.rows, [outer, across]);
  const subTotal = index(subTotals.result?.rows, [outer]);
  const colTotal = index(colTotals.result?.rows, [across]);
  const rows = cells.result?.rows ?? [];
  const cols = [...new Set(rows.map((r) => String(r[across] ?? '')))];
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const [o, i] = [String(r[outer] ?? ''), String(r[inner] ?? '')];
    const list = groups.get(o) ?? [];
    if (!list.includes(i)) list.push(i);
    groups.set(o, list);
  }
  const fmt = (v: unknown) => formatNumber(typeof v === 'number' ? v : null, unit, lang);
  const label = (dim: string, v: string) => valueLabel(catalog, dim, v, lang);
  const dimLabel = (dim: string) => catalog.dimensions.find((d) => d.id === dim)?.label[lang] ?? dim;

  return (
    <div className="pivot pivot-scroll" data-testid="pivot" style={{ maxHeight: 720 }}>
      <PivotShows exploration={e} catalog={catalog} lang={lang} />
      <table className="table pivot-table">
        <thead>
          <tr>
            <th>{dimLabel(outer)}</th>
            <th>{`${dimLabel(inner)} / ${dimLabel(across)}`}</th>
            {cols.map((c) => (
              <th key={c} className="num">
                {label(across, c)}
              </th>
            ))}
            <th className="num total">{t('total', lang)}</th>
          </tr>
        </thead>
        <tbody>
          {[...groups.entries()].map(([o, inners]) => [
            ...inners.map((i, k) => (
              <tr key={key(o, i)} data-row={`${o}|${i}`}>
                <th>{k === 0 ? label(outer, o) : ''}</th>
                <th>{label(inner, i)}</th>
                {cols.map((c) => (
                  <ValueCell key={c} col={c} value={cell.get(key(o, i, c))} fmt={fmt} />
                ))}
                <ValueCell col="total" value={rowTotal.get(key(o, i))} fmt={fmt} total />
              </tr>
            )),
            <tr key={key(o, 'subtotal')} className="subtotal" data-row={`${o}|subtotal`}>
              <th />
              <th>{t('subtotal', lang)}</th>
              {cols.map((c) => (
                <ValueCell key={c} col={c} value={subCell.get(key(o, c))} fmt={fmt} />
              ))}
              <ValueCell col="total" value={subTotal.get(key(o))} fmt={fmt} total />
            </tr>,
          ])}
        </tbody>
        <tfoot>
          <TotalsRow
            label={t('total', lang)}
            blank
            cols={cols}
            totalOf={(c) => colTotal.get(key(c))}
            grand={grand.result?.rows[0]?.[metric]}
            fmt={fmt}
          />
        </tfoot>
      </table>
    </div>
  );
}
