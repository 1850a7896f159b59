import { useEffect, useState } from 'react';
import { ApiError, api, type Catalog, type Label, type Row } from '../api';
import { formatNumber, type Lang } from '../format';
import { t } from '../i18n';
import { valueLabel } from './chart';
import { type Exploration, queryOf } from './state';

export interface DrillTarget {
  /** What the lines are behind, as shown (e.g. 大区: 华南). */
  title: string;
  exploration: Exploration;
  /** The first dimension's value of the row asked about. */
  value: string;
}

const MONEY = new Set(['net', 'gross_profit']);

/** 明细: the sales lines behind one row of the answer — the question's filters and range, and that row's value. */
export function DrillThrough({
  target,
  catalog,
  lang,
  onClose,
}: {
  target: DrillTarget;
  catalog: Catalog;
  lang: Lang;
  onClose: () => void;
}) {
  const [answer, setAnswer] = useState<{
    columns: { id: string; label: Label }[];
    rows: Row[];
    truncated: boolean;
  } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    const { exploration: e, value } = target;
    const base = queryOf(e);
    const dim = e.dimensions[0] as string;
    setAnswer(null);
    api
      .drill({
        filters: [...(base.filters ?? []), { dimension: dim, op: 'eq', value }],
        timeRange: e.range,
        limit: 200,
      })
      .then(setAnswer)
      .catch((err: unknown) =>
        setError(err instanceof ApiError ? err : new ApiError(String(err), String(err))),
      );
  }, [target]);
  return (
    <section className="card drill-through" data-testid="drill-through">
      <div className="drill-head">
        <h3>
          {t('drillThrough', lang)} · {target.title}
        </h3>
        <button type="button" className="link" onClick={onClose}>
          {t('close', lang)}
        </button>
      </div>
      {error && (
        <p className="tile-message error" role="alert">
          {lang === 'zh' ? error.messageZh : error.message}
        </p>
      )}
      {!answer && !error && <p className="tile-message">{t('loading', lang)}</p>}
      {answer && (
        <div className="scroll">
          <table className="table">
            <thead>
              <tr>
                {answer.columns.map((c) => (
                  <th key={c.id}>{c.label[lang]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {answer.rows.map((row, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: sales lines carry no key of their own here
                <tr key={i}>
                  {answer.columns.map((c) => (
                    <td key={c.id} className={typeof row[c.id] === 'number' ? 'num' : ''} data-col={c.id}>
                      {typeof row[c.id] === 'number'
                        ? formatNumber(row[c.id] ?? null, MONEY.has(c.id) ? 'CNY' : undefined, lang)
                        : c.id === 'ts'
                          ? String(row[c.id] ?? '').slice(0, 16)
                          : valueLabel(catalog, c.id, row[c.id], lang)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {answer.truncated && <p className="muted">{t('drillTruncated', lang)}</p>}
        </div>
      )}
    </section>
  );
}
