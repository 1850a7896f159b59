import { useEffect, useState } from 'react';
import { ApiError, api, type QueryBody, type QueryResult } from './api';

export interface QueryState {
  result: QueryResult | null;
  error: ApiError | null;
  loading: boolean;
}

/**
 * Each tile runs its own query, so one slow tile never holds the others back. `refresh` asks again
 * for the same body (after a forecast run wrote new rows).
 */
export function useQuery(body: QueryBody | null, refresh = 0): QueryState {
  const key = body ? `${refresh}|${JSON.stringify(body)}` : '';
  const [state, setState] = useState<QueryState>({ result: null, error: null, loading: Boolean(body) });
  useEffect(() => {
    if (!key) return;
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    api
      .query(JSON.parse(key.slice(key.indexOf('|') + 1)) as QueryBody)
      .then((result) => live && setState({ result, error: null, loading: false }))
      .catch(
        (error: unknown) =>
          live &&
          setState({
            result: null,
            error: error instanceof ApiError ? error : new ApiError(String(error), String(error)),
            loading: false,
          }),
      );
    return () => {
      live = false;
    };
  }, [key]);
  return state;
}
