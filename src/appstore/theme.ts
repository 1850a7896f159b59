import { type Theme, themeSchema } from '../contract/index.js';
import type { AppStore } from './store.js';

export { type Theme, themeSchema } from '../contract/index.js';

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
