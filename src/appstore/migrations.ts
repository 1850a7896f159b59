import type { AppStore } from './store.js';

/** Versioned steps, each applied once and recorded, in order. */
const STEPS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `CREATE TABLE IF NOT EXISTS dashboard (
            id SERIAL PRIMARY KEY,
            name TEXT NOT NULL,
            tiles JSONB NOT NULL DEFAULT '[]',
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
  },
  {
    version: 2,
    sql: 'CREATE TABLE IF NOT EXISTS app_secret (name TEXT PRIMARY KEY, value TEXT NOT NULL)',
  },
  {
    version: 3,
    sql: `CREATE TABLE IF NOT EXISTS app_setting (
            name TEXT PRIMARY KEY, value JSONB NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
  },
];

export async function migrateAppStore(store: AppStore): Promise<void> {
  await store.query(
    'CREATE TABLE IF NOT EXISTS zhongtai_app_meta (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  const done = new Set(
    (await store.query<{ version: number }>('SELECT version FROM zhongtai_app_meta')).map((r) => r.version),
  );
  for (const step of STEPS) {
    if (done.has(step.version)) continue;
    await store.query(step.sql);
    await store.query('INSERT INTO zhongtai_app_meta (version) VALUES ($1) ON CONFLICT DO NOTHING', [
      step.version,
    ]);
  }
}
