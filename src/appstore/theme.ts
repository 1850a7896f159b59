import { z } from 'zod';
import type { AppStore } from './store.js';

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

export type Theme = z.output<typeof themeSchema>;

export async function readTheme(store: AppStore): Promise<Theme> {
  const [row] = await store.query<{ value: unknown }>("SELECT value FROM app_setting WHERE name = 'theme'");
  const kept = themeSchema.safeParse(row?.value ?? {});
  return kept.success ? kept.data : themeSchema.parse({});
}

export async function saveTheme(store: AppStore, theme: Theme): Promise<Theme> {
  await store.query(
    `INSERT INTO app_setting (name, value) VALUES ('theme', $1)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = now()`,
    [JSON.stringify(theme)],
  );
  return theme;
}
