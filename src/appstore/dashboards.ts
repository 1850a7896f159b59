import { z } from 'zod';
import { ZhongtaiError } from '../model/index.js';
import type { AppStore } from './store.js';

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A saved question as the explore page holds it; checked here, asked again through /api/v1/query. */
export const explorationSchema = z
  .object({
    metrics: z.array(z.string().max(64)).min(1).max(8),
    dimensions: z.array(z.string().max(64)).max(3),
    filters: z
      .array(
        z
          .object({
            dimension: z.string().max(64),
            value: z.string().max(200),
            values: z.array(z.string().max(200)).max(200).optional(),
          })
          .strict(),
      )
      .max(20),
    range: z.object({ from: isoDay, to: isoDay }).strict(),
    /** When set, the range is the last this many days up to the newest data, whenever the tile is shown. */
    rangeDays: z.number().int().min(1).max(3660).optional(),
    /** Or: this month or this year up to the newest data. */
    toDate: z.enum(['month', 'year']).optional(),
    compare: z.enum(['', 'yoy', 'mom', 'wow', 'yoy_weekday', 'custom']),
    compareRange: z.object({ from: isoDay, to: isoDay }).strict().optional(),
    reference: z.enum(['', 'average', 'median', 'p90', 'target', 'trend']),
    target: z.number().optional(),
    chart: z.enum(['auto', 'line', 'bar', 'table', 'pivot', 'pie', 'heatmap', 'multiples']),
  })
  .strict();

export const tileSchema = z
  .object({
    id: z.string().min(1).max(40),
    title: z.string().min(1).max(120),
    exploration: explorationSchema,
    /** Spans the dashboard's full width. */
    wide: z.boolean().optional(),
  })
  .strict();

export const dashboardInputSchema = z
  .object({ name: z.string().trim().min(1).max(80), tiles: z.array(tileSchema).max(60).default([]) })
  .strict();

export type Tile = z.output<typeof tileSchema>;
export type DashboardInput = z.output<typeof dashboardInputSchema>;

export interface Dashboard extends DashboardInput {
  id: number;
  createdAt: string;
  updatedAt: string;
}

type Row = { id: number; name: string; tiles: Tile[]; created_at: Date | string; updated_at: Date | string };
const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : String(v));
const toDashboard = (r: Row): Dashboard => ({
  id: Number(r.id),
  name: r.name,
  tiles: r.tiles,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const notFound = (id: number) =>
  new ZhongtaiError('NOT_FOUND', { en: `No dashboard ${id}`, zh: `没有编号为 ${id} 的看板` });

/** Dashboards in the application store: named, each an ordered list of saved questions (tiles). */
export const dashboards = {
  async list(store: AppStore): Promise<Dashboard[]> {
    return (await store.query<Row>('SELECT * FROM dashboard ORDER BY updated_at DESC, id DESC')).map(
      toDashboard,
    );
  },
  async get(store: AppStore, id: number): Promise<Dashboard> {
    const [row] = await store.query<Row>('SELECT * FROM dashboard WHERE id = $1', [id]);
    if (!row) throw notFound(id);
    return toDashboard(row);
  },
  async create(store: AppStore, input: DashboardInput): Promise<Dashboard> {
    const [row] = await store.query<Row>('INSERT INTO dashboard (name, tiles) VALUES ($1, $2) RETURNING *', [
      input.name,
      JSON.stringify(input.tiles),
    ]);
    return toDashboard(row as Row);
  },
  async replace(store: AppStore, id: number, input: DashboardInput): Promise<Dashboard> {
    const [row] = await store.query<Row>(
      'UPDATE dashboard SET name = $2, tiles = $3, updated_at = now() WHERE id = $1 RETURNING *',
      [id, input.name, JSON.stringify(input.tiles)],
    );
    if (!row) throw notFound(id);
    return toDashboard(row);
  },
  async remove(store: AppStore, id: number): Promise<void> {
    const [row] = await store.query('DELETE FROM dashboard WHERE id = $1 RETURNING id', [id]);
    if (!row) throw notFound(id);
  },
};
