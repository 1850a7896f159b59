import { z } from 'zod';

/** Dashboards, their tiles (saved questions), shares, embed links and the theme, as the API takes them. */
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A saved question as the explore page holds it; checked here, asked again through /api/v1/query. */
export const explorationSchema = z
  .object({
    metrics: z.array(z.string().max(64)).min(1).max(8),
    /** At most two on the explore page: the axis, and a split into series. */
    dimensions: z.array(z.string().max(64)).max(3),
    /** Where drilling went, and filters chosen by hand: one value, or several (`values`, any of them). */
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
    /** Or: this month or this year up to the newest data (compare YoY: the same days a year before). */
    toDate: z.enum(['month', 'year']).optional(),
    compare: z.enum(['', 'yoy', 'mom', 'wow', 'yoy_weekday', 'custom']),
    /** With compare 'custom': the period compared against. */
    compareRange: z.object({ from: isoDay, to: isoDay }).strict().optional(),
    reference: z.enum(['', 'average', 'median', 'p90', 'target', 'trend']),
    target: z.number().optional(),
    chart: z.enum(['auto', 'line', 'bar', 'table', 'pivot', 'pie', 'heatmap', 'multiples']),
    /** At most this many rows (a top 10); 500 when not set. */
    limit: z.number().int().min(1).max(10_000).optional(),
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

/** Who else sees a dashboard: everyone, a role, or a user; to view it, or to edit it too. */
export const shareSchema = z
  .object({
    kind: z.enum(['everyone', 'role', 'user']),
    /** The role or user name; empty for everyone. */
    name: z.string().max(64).default(''),
    access: z.enum(['view', 'edit']),
  })
  .strict();

export const dashboardInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    tiles: z.array(tileSchema).max(60).default([]),
    shares: z.array(shareSchema).max(100).optional(),
    /** The version this edit started from: a dashboard changed meanwhile answers 409 instead of being overwritten. */
    version: z.number().int().positive().max(2_147_483_647).optional(),
  })
  .strict();

export const restoreRequestSchema = z
  .object({ version: z.number().int().positive().max(2_147_483_647) })
  .strict();

/** A signed, expiring link to a dashboard shown in another page, with filters it cannot change. */
export const embedRequestSchema = z
  .object({
    dashboardId: z.number().int().positive().max(2_147_483_647),
    /** Filters every tile shows with, which the embedded page cannot change. */
    filters: z
      .array(z.object({ dimension: z.string().max(64), value: z.string().max(200) }).strict())
      .max(10)
      .default([]),
    /** A period for every tile: the last this many days. */
    days: z.number().int().min(1).max(3660).optional(),
    expiresInMinutes: z
      .number()
      .int()
      .min(1)
      .max(366 * 24 * 60)
      .default(7 * 24 * 60),
  })
  .strict();

/** 定制主题: light or dark, the chain's brand colour, and its logo (a short text or a small image). */
export const themeSchema = z
  .object({
    mode: z.enum(['light', 'dark']).default('light'),
    brandColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
      .default('#c0392b'),
    logoText: z.string().trim().min(1).max(4).default('中'),
    /** A PNG, JPEG or SVG as a data URL, up to about 100 KB; shown instead of the text. */
    logoImage: z
      .string()
      .max(140_000)
      .regex(/^data:image\/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=]+$/, 'a PNG, JPEG or SVG data URL')
      .nullable()
      .default(null),
  })
  .strict();

export type Exploration = z.output<typeof explorationSchema>;
export type Tile = z.output<typeof tileSchema>;
export type Share = z.output<typeof shareSchema>;
export type DashboardInput = z.input<typeof dashboardInputSchema>;
export type EmbedRequest = z.output<typeof embedRequestSchema>;
export type Theme = z.output<typeof themeSchema>;
