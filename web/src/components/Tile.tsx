import type { ReactNode } from 'react';
import type { ApiError } from '../api';
import type { Lang } from '../format';
import { t } from '../i18n';

/** What a tile shows besides its body: a query's state, or any list being loaded. */
export interface TileState {
  loading: boolean;
  error: ApiError | null;
  result: { rows: readonly unknown[] } | null;
}

/** A dashboard tile: title, and its loading, error and empty states in plain words. */
export function Tile({
  title,
  state,
  lang,
  children,
  testId,
  wide,
  emptyText,
}: {
  title: string;
  /** What an empty answer means here, when more than "no data" (no forecast made yet). */
  emptyText?: string;
  state: TileState;
  lang: Lang;
  children: ReactNode;
  testId: string;
  wide?: boolean;
}) {
  let body: ReactNode = children;
  // A metric outside the role's data (footfall or labour for a supplier) is not a failure: said calmly.
  if (state.error?.code === 'FORBIDDEN')
    body = (
      <p className="tile-message" data-testid="tile-not-granted">
        {t('notGranted', lang)}
      </p>
    );
  else if (state.error)
    body = (
      <p className="tile-message error" role="alert">
        {lang === 'zh' ? state.error.messageZh : state.error.message}
      </p>
    );
  else if (state.loading && !state.result) body = <p className="tile-message">{t('loading', lang)}</p>;
  else if (state.result && state.result.rows.length === 0)
    body = <p className="tile-message">{emptyText ?? t('empty', lang)}</p>;
  return (
    <section className={`card tile${wide ? ' wide' : ''}`} data-testid={testId} aria-busy={state.loading}>
      <h2>{title}</h2>
      {body}
    </section>
  );
}
