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
  return (
    <div className="scroll">
      <table className="table" data-testid="explore-table">
        <thead>
          <tr>
            {result.columns.map((c) => (
              <th key={c.id} className={c.kind === 'dimension' ? '' : 'num'}>
                {c.label[lang]}
              </th>
            ))}
            {onLines && <th aria-label={t('lines', lang)} />}
          </tr>
        </thead>
        <tbody>
          {result.rows.map((row, i) => (
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
                    {/_(pct|delta)$/.test(c.id) && typeof value === 'number' && value > 0 ? '+' : ''}
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
