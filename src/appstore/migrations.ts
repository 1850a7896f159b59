import type { AppStore } from './store.js';

/** Versioned steps, each applied once and recorded, in order. */
const STEPS: SchemaStep[] = [
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
  {
    version: 4,
    // Access control: users with a role, their data grants, sign-in sessions, API tokens and the audit log.
    // Secrets are never kept: passwords as scrypt hashes, session ids and token secrets as SHA-256 digests.
    sql: [
      `CREATE TABLE IF NOT EXISTS app_role (
            name TEXT PRIMARY KEY, label TEXT NOT NULL, permissions JSONB NOT NULL,
            all_data BOOLEAN NOT NULL DEFAULT false, created_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      `CREATE TABLE IF NOT EXISTS app_user (
            id SERIAL PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
            role TEXT NOT NULL, password_hash TEXT NOT NULL, disabled BOOLEAN NOT NULL DEFAULT false,
            failed_logins INTEGER NOT NULL DEFAULT 0, locked_until TIMESTAMPTZ,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(), last_login_at TIMESTAMPTZ)`,
      `CREATE TABLE IF NOT EXISTS app_grant (
            user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('store', 'region', 'format', 'supplier')),
            value TEXT NOT NULL, PRIMARY KEY (user_id, kind, value))`,
      `CREATE TABLE IF NOT EXISTS app_session (
            id_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
            csrf TEXT NOT NULL, ip TEXT, created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            expires_at TIMESTAMPTZ NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS api_token (
            id TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
            name TEXT NOT NULL, secret_hash TEXT NOT NULL, permissions JSONB NOT NULL, source TEXT,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(), expires_at TIMESTAMPTZ NOT NULL,
            revoked_at TIMESTAMPTZ, last_used_at TIMESTAMPTZ)`,
      `CREATE TABLE IF NOT EXISTS audit_log (
            id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL DEFAULT now(), actor TEXT,
            action TEXT NOT NULL, target TEXT, detail JSONB NOT NULL DEFAULT '{}', ip TEXT)`,
      `CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)`,
    ],
  },
  {
    version: 5,
    // Sign-in throttling keyed by what was tried (a user name from an address, a password change), so that
    // parallel guesses count one by one and a stranger cannot lock an account out of its owner's address;
    // the addresses each account signed in from, which an account-wide throttle spares.
    sql: [
      `CREATE TABLE IF NOT EXISTS auth_throttle (
            key TEXT PRIMARY KEY, failures INTEGER NOT NULL DEFAULT 0, locked_until TIMESTAMPTZ,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      `CREATE TABLE IF NOT EXISTS auth_known_address (
            username TEXT NOT NULL, ip TEXT NOT NULL, last_ok TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (username, ip))`,
    ],
  },
  {
    version: 6,
    // Dashboards have an owner and shares; every change keeps the version it replaced, so it can be restored.
    sql: [
      `ALTER TABLE dashboard ADD COLUMN IF NOT EXISTS owner_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL`,
      `ALTER TABLE dashboard ADD COLUMN IF NOT EXISTS shares JSONB NOT NULL DEFAULT '[]'`,
      `ALTER TABLE dashboard ADD COLUMN IF NOT EXISTS version INTEGER NOT NULL DEFAULT 1`,
      `ALTER TABLE dashboard ADD COLUMN IF NOT EXISTS deleted_at TIMESTAMPTZ`,
      `CREATE TABLE IF NOT EXISTS dashboard_version (
            dashboard_id INTEGER NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, tiles JSONB NOT NULL,
            shares JSONB NOT NULL, owner_id INTEGER, change TEXT NOT NULL, changed_by TEXT,
            changed_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (dashboard_id, version))`,
      // Dashboards made before owners: everyone saw them, so everyone still does; their first version is kept.
      `UPDATE dashboard SET shares = '[{"kind":"everyone","name":"","access":"view"}]' WHERE shares = '[]'`,
      `INSERT INTO dashboard_version (dashboard_id, version, name, tiles, shares, owner_id, change)
         SELECT id, version, name, tiles, shares, owner_id, 'create' FROM dashboard ON CONFLICT DO NOTHING`,
    ],
  },
];

/** A versioned schema change: applied once, in order, recorded in its area's own table of versions. */
export interface SchemaStep {
  version: number;
  sql: string | string[];
}

/**
 * Brings an area's tables up to date: the application store's own, or a business center's (each keeps its
 * versions in its own table, so a center's schema grows without touching the others').
 */
export async function migrate(
  store: AppStore,
  versions: string,
  steps: readonly SchemaStep[],
): Promise<void> {
  if (!/^[a-z_]+$/.test(versions)) throw new Error(`bad table name ${versions}`);
  await store.query(
    `CREATE TABLE IF NOT EXISTS ${versions} (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
  );
  const done = new Set(
    (await store.query<{ version: number }>(`SELECT version FROM ${versions}`)).map((r) => r.version),
  );
  for (const step of steps) {
    if (done.has(step.version)) continue;
    // One transaction a step: a step half applied (a crash between two statements) is applied again whole.
    await store.transaction(async (tx) => {
      for (const sql of Array.isArray(step.sql) ? step.sql : [step.sql]) await tx.query(sql);
      await tx.query(`INSERT INTO ${versions} (version) VALUES ($1) ON CONFLICT DO NOTHING`, [step.version]);
    });
  }
}

export const migrateAppStore = (store: AppStore): Promise<void> => migrate(store, 'zhongtai_app_meta', STEPS);
