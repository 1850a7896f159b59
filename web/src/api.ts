/** The web app reads only the public API. */
export interface Label {
  zh: string;
  en: string;
}
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface CatalogMetric {
  id: string;
  label: Label;
  unit: string;
  higherIsBetter: boolean;
}
export interface CatalogDimension {
  id: string;
  label: Label;
  values?: Record<string, Label>;
}
export interface Catalog {
  metrics: CatalogMetric[];
  dimensions: CatalogDimension[];
}

export interface QueryBody {
  metrics: string[];
  dimensions?: string[];
  filters?: { dimension: string; op?: string; value?: Cell; values?: Cell[] }[];
  timeRange?: { from: string; to: string };
  grain?: string;
  compare?: string;
  order?: { by: string; desc?: boolean }[];
  limit?: number;
}

export interface QueryResult {
  columns: { id: string; kind: string; label: Label; unit?: string }[];
  rows: Row[];
  meta: {
    timeRange: { from: string; to: string };
    compareRange?: { from: string; to: string };
    durationMs: number;
  };
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly messageZh: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body?.error;
    throw new ApiError(
      error?.message ?? `HTTP ${response.status}`,
      error?.messageZh ?? `请求失败（HTTP ${response.status}）`,
    );
  }
  return body as T;
}

export const api = {
  health: () => call<{ dataRange: { from: string; to: string } | null }>('/api/v1/health'),
  catalog: () => call<Catalog>('/api/v1/catalog'),
  query: (body: QueryBody) =>
    call<QueryResult>('/api/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
};
