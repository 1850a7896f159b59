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
  description: Label;
  unit: string;
  higherIsBetter: boolean;
  /** The dimensions it can be cut by. */
  dimensions: string[];
}
export interface CatalogDimension {
  id: string;
  label: Label;
  group: string;
  /** The next level down (region → city → store, month → week …). */
  child?: string;
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
  compare?: string | { from: string; to: string };
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

export interface ForecastRun {
  runId: number;
  createdAt: string;
  level: string;
  model: string;
  origin: string;
  horizon: number;
  series: number;
  seconds: number;
}

export interface Suggestion {
  store: number;
  storeName: string;
  sku: number;
  name: string;
  category: string;
  onHand: number;
  onOrder: number;
  demand: number;
  safety: number;
  order: number;
  packs: number;
  orderCost: number;
  shelfLife: number | null;
}

export interface SavedTile {
  id: string;
  title: string;
  wide?: boolean;
  exploration: import('./explore/state').Exploration;
}

export interface Dashboard {
  id: number;
  name: string;
  tiles: SavedTile[];
  createdAt: string;
  updatedAt: string;
}

const send = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export interface Theme {
  mode: 'light' | 'dark';
  brandColor: string;
  logoText: string;
  logoImage: string | null;
}

export const api = {
  theme: () => call<Theme>('/api/v1/settings/theme'),
  saveTheme: (theme: Theme) => call<Theme>('/api/v1/settings/theme', send('PUT', theme)),
  dashboards: () => call<{ dashboards: Dashboard[] }>('/api/v1/dashboards'),
  embedLink: (body: {
    dashboardId: number;
    filters: { dimension: string; value: string }[];
    days?: number;
  }) => call<{ token: string; path: string; expiresAt: string }>('/api/v1/embed', send('POST', body)),
  embedded: (token: string) =>
    call<{
      dashboard: Dashboard;
      filters: { dimension: string; value: string }[];
      days: number | null;
      expiresAt: string;
    }>(`/api/v1/embed/${encodeURIComponent(token)}`),
  dashboard: (id: number) => call<Dashboard>(`/api/v1/dashboards/${id}`),
  createDashboard: (body: { name: string; tiles: SavedTile[] }) =>
    call<Dashboard>('/api/v1/dashboards', send('POST', body)),
  saveDashboard: (id: number, body: { name: string; tiles: SavedTile[] }) =>
    call<Dashboard>(`/api/v1/dashboards/${id}`, send('PUT', body)),
  health: () => call<{ dataRange: { from: string; to: string } | null }>('/api/v1/health'),
  catalog: () => call<Catalog>('/api/v1/catalog'),
  query: (body: QueryBody) => call<QueryResult>('/api/v1/query', send('POST', body)),
  drill: (body: { filters: QueryBody['filters']; timeRange: { from: string; to: string }; limit?: number }) =>
    call<{ columns: { id: string; label: Label }[]; rows: Row[]; truncated: boolean }>(
      '/api/v1/drill',
      send('POST', body),
    ),
  forecastRuns: () => call<{ runs: ForecastRun[] }>('/api/v1/forecast/runs'),
  forecast: (body: { level: string; horizon: number; from?: string }) =>
    call<{ runId: number; rows: unknown[] }>('/api/v1/forecast', send('POST', body)),
  replenish: (body: { limit: number; date?: string }) =>
    call<{ date: string; series: number; toOrder: number; orderCost: number; rows: Suggestion[] }>(
      '/api/v1/replenish',
      send('POST', body),
    ),
};
