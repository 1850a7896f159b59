import { userInfo } from 'node:os';
import { type AppStore, addUser, grant, openAppStore, recordAudit, userCount } from '../appstore/index.js';
import type { AuditAction } from '../contract/index.js';
import type { Grant } from '../model/index.js';
import type { Engine } from '../warehouse/index.js';
import { textTable } from './format.js';

/** data/zhongtai.duckdb → data/zhongtai.app/ */
export const appStorePath = (db: string) => `${db.replace(/\.duckdb$/, '')}.app`;

/** The application store of a data file: the folder beside it, or the PostgreSQL server named by --app-db. */
export function openAppStoreOf(opts: { db: string; appDb?: string }): Promise<AppStore> {
  return openAppStore(opts.appDb ? { url: opts.appDb } : { path: appStorePath(opts.db) });
}

/** Runs `work` on the application store of a data file, closing it after. */
export async function withAppStore<T>(
  opts: { db: string; appDb?: string },
  work: (store: AppStore) => Promise<T>,
): Promise<T> {
  const store = await openAppStoreOf(opts);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Who did it, in the audit log, for commands run on the machine itself. */
export const cliActor = () => `cli:${userInfo().username}`;

export async function auditCli(
  store: AppStore,
  action: AuditAction,
  target: string,
  detail = {},
): Promise<void> {
  await recordAudit(store, { actor: cliActor(), action, target, detail, ip: 'local' });
}

/** The demo chain's sample people: a user of every role, scoped to a real region, store and supplier. */
async function sampleUsers(engine: Engine): Promise<{ username: string; role: string; grants: Grant[] }[]> {
  // Plain SQL both engines read (DuckDB, ClickHouse 18).
  const [store] = await engine.query(
    'SELECT code, region FROM store WHERE close_date IS NULL ORDER BY store_id LIMIT 1',
  );
  // The supplier selling the most SKUs: its portal has something to show.
  const [most] = await engine.query(
    'SELECT supplier_id, count(*) AS n FROM product GROUP BY supplier_id ORDER BY n DESC, supplier_id LIMIT 1',
  );
  const id = Number(most?.supplier_id);
  const [supplier] = Number.isSafeInteger(id)
    ? await engine.query(`SELECT code FROM supplier WHERE supplier_id = ${id}`)
    : [];
  if (!store || !supplier) return [];
  const region = String(store.region);
  return [
    { username: 'analyst', role: 'analyst', grants: [] },
    { username: 'region', role: 'region_manager', grants: [{ kind: 'region', value: region }] },
    { username: 'store', role: 'store_manager', grants: [{ kind: 'store', value: String(store.code) }] },
    { username: 'supplier', role: 'supplier', grants: [{ kind: 'supplier', value: String(supplier.code) }] },
    { username: 'viewer', role: 'viewer', grants: [{ kind: 'region', value: region }] },
  ];
}

/**
 * First run: an application store without users gets an administrator with a generated password, shown
 * here once (and kept only hashed); a demo chain also gets a sample user of each role. Nothing is made
 * when users exist, and no password is ever a default one.
 */
export async function ensureFirstUsers(engine: Engine, store: AppStore, demo: boolean): Promise<void> {
  if ((await userCount(store)) > 0) return;
  const people = [
    { username: 'admin', role: 'admin', grants: [] as Grant[] },
    ...(demo ? await sampleUsers(engine) : []),
  ];
  const rows: string[][] = [];
  for (const person of people) {
    const { user, password } = await addUser(store, { username: person.username, role: person.role });
    if (person.grants.length) await grant(store, user.username, person.grants);
    await auditCli(store, 'user.add', user.username, { role: user.role, firstRun: true });
    rows.push([
      user.username,
      password ?? '',
      user.role,
      person.grants.map((g) => `${g.kind}=${g.value}`).join(' ') || '(all data 全部数据)',
    ]);
  }
  console.log(
    `\nFirst run: these users were created. Their passwords are shown only now; note them.\n` +
      `首次启动，已创建以下用户。密码只显示这一次，请妥善保存（之后可用 zhongtai users passwd 重置）。\n\n` +
      `${textTable(['user 用户', 'password 密码', 'role 角色', 'grants 数据权限'], rows)}\n`,
  );
}
