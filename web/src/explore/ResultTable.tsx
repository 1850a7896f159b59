import { useMemo, useState } from 'react';
import type { Catalog, QueryResult } from '../api';
import { formatNumber, type Lang } from '../format';
import { t } from '../i18n';
import { valueLabel } from './chart';

/**
 * The answer as a table, every column (with a comparison: each metric's earlier value, its change and the %
 * change); a value of the first dimension drills down when it has a finer level.
 */
export function ResultTable({
  result,
  catalog,
  lang,
  onDrill,
  onLines,
}: {
  result: QueryResult;
  catalog: Catalog;
  lang: Lang;
  onDrill?: (value: string) => void;
  /** Drill-through: show the sales lines behind a row (by its first dimension's value). */
  onLines?: (value: string) => void;
}) {
  const unitOf = (id: string) => result.columns.find((c) => c.id === id)?.unit;
  const first = result.columns[0];
  // A click on a header sorts by it (numbers largest first, names A→Z), again to turn it round; empty cells last.
  const [sort, setSort] = useState<{ by: string; desc: boolean } | null>(null);
  const rows = useMemo(() => {
    if (!sort) return result.rows;
    return [...result.rows].sort((a, b) => {
      const x = a[sort.by] ?? null;
      const y = b[sort.by] ?? null;
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      const order =
        typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh');
      return sort.desc ? -order : order;
    });
  }, [result.rows, sort]);
  const sortBy = (id: string, numeric: boolean) =>
    setSort(sort?.by === id ? { by: id, desc: !sort.desc } : { by: id, desc: numeric });
  return (
    <div className="scroll">
      <table className="table" data-testid="explore-table">
        <thead>
          <tr>
            {result.columns.map((c) => (
              <th
                key={c.id}
                className={c.kind === 'dimension' ? '' : 'num'}
                aria-sort={sort?.by === c.id ? (sort.desc ? 'descending' : 'ascending') : 'none'}
              >
                <button
                  type="button"
                  className="sort"
                  data-testid={`sort-${c.id}`}
                  onClick={() => sortBy(c.id, c.kind !== 'dimension')}
                >
                  {c.label[lang]}
                  {sort?.by === c.id ? (sort.desc ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
            {onLines && <th aria-label={t('lines', lang)} />}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id of their own; their order is the answer's
            <tr key={i}>
              {result.columns.map((c) => {
                const value = row[c.id] ?? null;
                if (c.kind === 'dimension') {
                  const text = valueLabel(catalog, c.id, value, lang);
                  return (
                    <td key={c.id}>
                      {onDrill && c === first && value !== null ? (
                        <button
                          type="button"
                          className="link"
                          data-testid="drill"
                          onClick={() => onDrill(String(value))}
                        >
                          {text}
                        </button>
                      ) : (
                        text
                      )}
                    </td>
                  );
                }
                return (
                  <td
                    key={c.id}
                    className="num"
                    data-metric={c.id}
                    data-raw={value === null ? '' : String(value)}
                  >
                    {/_(pct|delta)$/.test(c.id) && c.unit !== 'pp' && typeof value === 'number' && value > 0
                      ? '+'
                      : ''}
                    {formatNumber(value, unitOf(c.id), lang)}
                  </td>
                );
              })}
              {onLines && (
                <td>
                  <button
                    type="button"
                    className="link"
                    data-testid="lines"
                    onClick={() => onLines(String(row[first?.id ?? ''] ?? ''))}
                  >
                    {t('lines', lang)}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
