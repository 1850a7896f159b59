import { useMemo, useState } from 'react';
import type { Catalog, QueryResult } from '../api';
import { coverageNote, formatNumber, type Lang } from '../format';
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
  compare = '',
}: {
  result: QueryResult;
  /** The comparison asked (yoy, mom …), to name it in a store's coverage note. */
  compare?: string;
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
  // A store that traded on markedly fewer days than the chain (opened, closed, missing data) says so on its
  // row, and its comparison cells are greyed: its change is not like for like.
  const coverage = result.meta.coverage;
  const storeNotes = (store: unknown) => {
    const own = typeof store === 'string' ? coverage?.stores?.[store] : undefined;
    if (!own || !coverage) return { notes: [] as string[], comparisonShort: false };
    const now = own.short.period;
    const before = own.short.comparison;
    const notes = [
      now
        ? coverageNote(
            { days: coverage.period.days, daysWithData: own.period, partial: true },
            lang,
            'current',
          )
        : null,
      before && coverage.comparison
        ? coverageNote(
            { days: coverage.comparison.days, daysWithData: own.comparison ?? 0, partial: true },
            lang,
            compare || 'custom',
          )
        : null,
    ].filter((n): n is string => Boolean(n));
    return { notes, comparisonShort: now || before };
  };
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
          {rows.map((row, i) => {
            const { notes, comparisonShort } = storeNotes(row.store);
            return (
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
                        {c.id === 'store' && notes.length > 0 && (
                          <span className="row-coverage" data-testid="row-coverage">
                            {notes.join('；')}
                          </span>
                        )}
                      </td>
                    );
                  }
                  const comparisonCell = /_(prev|delta|pct)$/.test(c.id);
                  return (
                    <td
                      key={c.id}
                      className={comparisonShort && comparisonCell ? 'num partial' : 'num'}
                      title={comparisonShort && comparisonCell ? notes.join('；') : undefined}
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
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
