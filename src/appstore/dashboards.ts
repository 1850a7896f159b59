import {
  type Dashboard as ContractDashboard,
  type DashboardInput,
  type DashboardVersion,
  dashboardInputSchema,
  type Share,
  type Tile,
} from '../contract/index.js';
import { parseInput, ZhongtaiError } from '../model/index.js';
import type { Principal } from './access/index.js';
import type { AppStore } from './store.js';

export {
  type DashboardInput,
  type DashboardVersion,
  dashboardInputSchema,
  explorationSchema,
  type Share,
  shareSchema,
  type Tile,
  tileSchema,
} from '../contract/index.js';

/** Shared with everyone to view: what every dashboard was before owners, and a new one's default. */
export const EVERYONE_VIEWS: Share[] = [{ kind: 'everyone', name: '', access: 'view' }];

/** A dashboard as its reader gets it (the contract's shape), with the server's tiles. */
export type Dashboard = ContractDashboard<Tile>;

/** Who is asking: the dashboard rules need no more of a principal than this. */
export interface DashboardActor {
  userId: number | null;
  username: string;
  role: string;
  /** May change dashboards at all (dashboards.edit). */
  edits: boolean;
  /** Administrators manage every dashboard (users.manage). */
  managesAll: boolean;
}

/** A signed-in person as the dashboard rules see them (the API's caller, a subscription's recipient). */
export function dashboardActorOf(
  principal: Pick<Principal, 'userId' | 'username' | 'role' | 'permissions'>,
): DashboardActor & { userId: number } {
  return {
    userId: principal.userId,
    username: principal.username,
    role: principal.role,
    edits: principal.permissions.has('dashboards.edit'),
    managesAll: principal.permissions.has('users.manage'),
  };
}

/** The system itself (demo seeding, tests): manages all. */
export const SYSTEM_ACTOR: DashboardActor = {
  userId: null,
  username: 'system',
  role: 'admin',
  edits: true,
  managesAll: true,
};

type Row = {
  id: number;
  name: string;
  tiles: Tile[];
  shares: Share[];
  owner_id: number | null;
  owner: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
};
const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : String(v));

const shared = (row: Row, actor: DashboardActor, access: 'view' | 'edit') =>
  row.shares.some(
    (s) =>
      (access === 'view' || s.access === 'edit') &&
      (s.kind === 'everyone' ||
        (s.kind === 'role' && s.name === actor.role) ||
        (s.kind === 'user' && s.name === actor.username)),
  );
const owns = (row: Row, actor: DashboardActor) => row.owner_id !== null && row.owner_id === actor.userId;
const canView = (row: Row, actor: DashboardActor) =>
  actor.managesAll || owns(row, actor) || shared(row, actor, 'view');
const canEdit = (row: Row, actor: DashboardActor) =>
  actor.edits && (actor.managesAll || owns(row, actor) || shared(row, actor, 'edit'));
const canDelete = (row: Row, actor: DashboardActor) => actor.edits && (actor.managesAll || owns(row, actor));

const toDashboard = (r: Row, actor: DashboardActor): Dashboard => ({
  id: Number(r.id),
  name: r.name,
  tiles: r.tiles,
  owner: r.owner,
  shares: r.shares,
  version: Number(r.version),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  canEdit: canEdit(r, actor),
  canDelete: canDelete(r, actor),
});

const notFound = (id: number) =>
  new ZhongtaiError('NOT_FOUND', { en: `No dashboard ${id}`, zh: `没有编号为 ${id} 的看板` });
const notYours = (what: { en: string; zh: string }) => new ZhongtaiError('FORBIDDEN', what);

const SELECT = `SELECT d.*, u.username AS owner FROM dashboard d LEFT JOIN app_user u ON u.id = d.owner_id`;

async function row(store: AppStore, id: number, actor: DashboardActor, deleted = false): Promise<Row> {
  const [found] = await store.query<Row>(`${SELECT} WHERE d.id = $1 AND (d.deleted_at IS NOT NULL) = $2`, [
    id,
    deleted,
  ]);
  // One the asker may not see is answered as missing: its name and existence stay private.
  if (!found || !canView(found, actor)) throw notFound(id);
  return found;
}

/**
 * Writes a dashboard's new state and keeps it as a version, in one statement: two edits at once queue on the
 * row, so each gets its own version number, and an edit made from an older version than the current one
 * (`expected`) changes nothing.
 */
async function write(
  store: AppStore,
  id: number,
  state: { name: string; tiles: Tile[]; shares: Share[]; deleted: boolean },
  change: string,
  actor: DashboardActor,
  expected?: number,
): Promise<Row | undefined> {
  // The answer is the state this statement wrote (read back separately, a later edit could show instead).
  const [written] = await store.query<Row>(
    `WITH old AS (SELECT id, version FROM dashboard WHERE id = $1 FOR UPDATE),
     upd AS (
       UPDATE dashboard d SET name = $2, tiles = $3, shares = $4, version = old.version + 1, updated_at = now(),
         deleted_at = CASE WHEN $5::boolean THEN coalesce(d.deleted_at, now()) END
       FROM old WHERE d.id = old.id AND ($6::int IS NULL OR old.version = $6::int)
       RETURNING d.*),
     kept AS (
       INSERT INTO dashboard_version (dashboard_id, version, name, tiles, shares, owner_id, change, changed_by)
       SELECT upd.id, upd.version, $2, $3, $4, upd.owner_id, $7, $8 FROM upd RETURNING 1)
     SELECT upd.*, u.username AS owner FROM upd CROSS JOIN (SELECT count(*) FROM kept) k
       LEFT JOIN app_user u ON u.id = upd.owner_id`,
    [
      id,
      state.name,
      JSON.stringify(state.tiles),
      JSON.stringify(state.shares),
      state.deleted,
      expected ?? null,
      change,
      actor.username,
    ],
  );
  return written;
}

const changedMeanwhile = (id: number, expected: number) =>
  new ZhongtaiError(
    'CONFLICT',
    {
      en: `Dashboard ${id} was changed by someone else since version ${expected}; reload it and apply your change again`,
      zh: `看板 ${id} 在版本 ${expected} 之后已被他人修改，请刷新后重新修改`,
    },
    { field: 'version' },
  );

/**
 * Dashboards in the application store: named, each an ordered list of saved questions (tiles), with an
 * owner and shares. Everyone with a share sees it; its owner, an administrator or an edit share change it;
 * only its owner or an administrator deletes it. Every change is kept as a version and can be restored.
 */
export const dashboards = {
  async list(store: AppStore, actor: DashboardActor): Promise<Dashboard[]> {
    // The ready-made ones first, in the order they were made (经营总览 leads), then the rest, newest first.
    const rows = await store.query<Row>(
      `${SELECT} WHERE d.deleted_at IS NULL
       ORDER BY (d.owner_id IS NULL) DESC, CASE WHEN d.owner_id IS NULL THEN d.id END, d.updated_at DESC, d.id DESC`,
    );
    return rows.filter((r) => canView(r, actor)).map((r) => toDashboard(r, actor));
  },
  async get(store: AppStore, id: number, actor: DashboardActor): Promise<Dashboard> {
    return toDashboard(await row(store, id, actor), actor);
  },
  async create(store: AppStore, input: DashboardInput, actor: DashboardActor): Promise<Dashboard> {
    const parsed = parseInput(dashboardInputSchema, input);
    if (!actor.edits) throw notYours({ en: 'Your role may not make dashboards', zh: '您的角色无权创建看板' });
    const shares = parsed.shares ?? EVERYONE_VIEWS;
    const [made] = await store.query<{ id: number }>(
      `WITH made AS (
         INSERT INTO dashboard (name, tiles, shares, owner_id, version) VALUES ($1, $2, $3, $4, 1) RETURNING id),
       kept AS (
         INSERT INTO dashboard_version (dashboard_id, version, name, tiles, shares, owner_id, change, changed_by)
         SELECT id, 1, $1, $2, $3, $4, 'create', $5 FROM made RETURNING 1)
       SELECT made.id FROM made, kept`,
      [parsed.name, JSON.stringify(parsed.tiles), JSON.stringify(shares), actor.userId, actor.username],
    );
    return dashboards.get(store, Number(made?.id), actor);
  },
  async replace(store: AppStore, id: number, input: DashboardInput, actor: DashboardActor) {
    const parsed = parseInput(dashboardInputSchema, input);
    const current = await row(store, id, actor);
    if (!canEdit(current, actor))
      throw notYours({
        en: `Dashboard ${id} is ${current.owner ? `${current.owner}'s` : 'a ready-made one'}; you may view it, not change it (copy it to make your own)`,
        zh: `看板 ${id} 属于${current.owner ?? '系统预置'}，您只能查看，不能修改（可另存为自己的看板）`,
      });
    // Who sees it is the owner's (or an administrator's) to say, not an editor's.
    const shares =
      parsed.shares && (owns(current, actor) || actor.managesAll) ? parsed.shares : current.shares;
    const written = await write(
      store,
      id,
      { name: parsed.name, tiles: parsed.tiles, shares, deleted: false },
      'update',
      actor,
      parsed.version,
    );
    if (!written) throw changedMeanwhile(id, parsed.version ?? 0);
    return toDashboard(written, actor);
  },
  /** Deleted dashboards are kept (with their versions) and can be restored. */
  async remove(store: AppStore, id: number, actor: DashboardActor): Promise<Dashboard> {
    const current = await row(store, id, actor);
    if (!canDelete(current, actor))
      throw notYours({
        en: `Only its owner${current.owner ? ` (${current.owner})` : ''} or an administrator deletes dashboard ${id}`,
        zh: `只有看板所有者${current.owner ? `（${current.owner}）` : ''}或管理员可以删除看板 ${id}`,
      });
    const written = await write(store, id, { ...current, deleted: true }, 'delete', actor);
    return toDashboard(written ?? current, actor);
  },
  async versions(store: AppStore, id: number, actor: DashboardActor): Promise<DashboardVersion[]> {
    const current = await row(store, id, actor).catch(() => row(store, id, actor, true));
    const rows = await store.query<{
      version: number;
      name: string;
      tiles: Tile[];
      change: string;
      changed_by: string | null;
      changed_at: Date | string;
    }>(
      'SELECT version, name, tiles, change, changed_by, changed_at FROM dashboard_version WHERE dashboard_id = $1 ORDER BY version DESC',
      [current.id],
    );
    return rows.map((r) => ({
      version: Number(r.version),
      name: r.name,
      tiles: r.tiles.length,
      change: r.change,
      changedBy: r.changed_by,
      changedAt: iso(r.changed_at),
    }));
  },
  /** Brings back a kept version (and a deleted dashboard): a new version with that content. */
  async restore(store: AppStore, id: number, version: number, actor: DashboardActor): Promise<Dashboard> {
    const current = await row(store, id, actor).catch(() => row(store, id, actor, true));
    const allowed = current.deleted_at ? canDelete(current, actor) : canEdit(current, actor);
    if (!allowed)
      throw notYours({
        en: `You may not restore dashboard ${id}`,
        zh: `您无权恢复看板 ${id}`,
      });
    const [kept] = await store.query<{ name: string; tiles: Tile[]; shares: Share[] }>(
      'SELECT name, tiles, shares FROM dashboard_version WHERE dashboard_id = $1 AND version = $2',
      [id, version],
    );
    if (!kept)
      throw new ZhongtaiError(
        'NOT_FOUND',
        { en: `Dashboard ${id} has no version ${version}`, zh: `看板 ${id} 没有版本 ${version}` },
        { field: 'version' },
      );
    const written = await write(store, id, { ...kept, deleted: false }, `restore ${version}`, actor);
    return toDashboard(written ?? current, actor);
  },
};
