import type { Audience, AudienceRule } from '../../contract/index.js';
import { chainLocal, ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { homeStoreCondition } from '../home-stores.js';
import { ruleSql } from './rule-sql.js';

/**
 * Audiences (人群): a rule over members saved under a name and kept as a member list in the warehouse, refreshed on
 * its schedule — the targeting input for campaigns and coupons. An audience stays within the stores its creator was
 * granted: a store manager's audience holds his store's members only, however it is refreshed later and by whom.
 */
interface Row {
  audience_id: unknown;
  name: unknown;
  rule: unknown;
  owner: unknown;
  stores: unknown;
  schedule: unknown;
  created_at: unknown;
  refreshed_at: unknown;
  size: unknown;
}

const COLUMNS = `audience_id, name, rule, owner, stores, schedule, CAST(created_at AS VARCHAR) AS created_at,
  CAST(refreshed_at AS VARCHAR) AS refreshed_at, size`;

const audienceOf = (r: Row): Audience => ({
  id: Number(r.audience_id),
  name: String(r.name),
  rule: JSON.parse(String(r.rule)) as AudienceRule,
  owner: String(r.owner),
  stores: r.stores === null ? null : (JSON.parse(String(r.stores)) as number[]),
  schedule: r.schedule === 'manual' ? 'manual' : 'daily',
  createdAt: String(r.created_at).slice(0, 19),
  refreshedAt: r.refreshed_at === null ? null : String(r.refreshed_at).slice(0, 19),
  size: Number(r.size ?? 0),
});

/** Now in the chain's local time, as the warehouse keeps timestamps (a refresh's day is the chain's day). */
const now = () => chainLocal(new Date()).time;

/** How many members a rule holds within a grant, without saving it (the builder's live count). */
export async function previewAudience(
  warehouse: Warehouse,
  rule: AudienceRule,
  stores: number[] | null,
): Promise<number> {
  const { sql, params } = ruleSql(rule, stores);
  const [row] = await warehouse.query(`SELECT count(*) AS n FROM (${sql})`, params);
  return Number(row?.n ?? 0);
}

/** The audiences a caller may see: all of them for a caller of every store, else those within his stores. */
export async function listAudiences(warehouse: Warehouse, stores: number[] | null): Promise<Audience[]> {
  const rows = (await warehouse.query(
    `SELECT ${COLUMNS} FROM audience ORDER BY audience_id DESC`,
  )) as unknown as Row[];
  return rows.map(audienceOf).filter((a) => visible(a, stores));
}

const visible = (audience: Audience, stores: number[] | null) =>
  stores === null || (audience.stores !== null && audience.stores.every((s) => stores.includes(s)));

export async function getAudience(
  warehouse: Warehouse,
  id: number,
  stores: number[] | null,
): Promise<Audience> {
  const [row] = (await warehouse.query(`SELECT ${COLUMNS} FROM audience WHERE audience_id = $1`, [
    id,
  ])) as unknown as Row[];
  const audience = row ? audienceOf(row) : null;
  if (!audience || !visible(audience, stores))
    throw new ZhongtaiError('NOT_FOUND', { en: `No audience ${id}`, zh: `没有人群 ${id}` });
  return audience;
}

export async function createAudience(
  warehouse: Warehouse,
  input: { name: string; rule: AudienceRule; schedule: 'daily' | 'manual' },
  owner: string,
  stores: number[] | null,
): Promise<Audience> {
  const id = await warehouse.transaction(async () => {
    const [next] = await warehouse.write('SELECT coalesce(max(audience_id), 0) + 1 AS id FROM audience');
    const id = Number(next?.id);
    await warehouse.write(
      `INSERT INTO audience (audience_id, name, rule, owner, stores, schedule, created_at, size)
       VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS TIMESTAMP), 0)`,
      [
        id,
        input.name,
        JSON.stringify(input.rule),
        owner,
        stores === null ? null : JSON.stringify(stores),
        input.schedule,
        now(),
      ],
    );
    return id;
  });
  return refreshAudience(warehouse, id, stores);
}

/** The member list rebuilt from the rule, all at once (a reader never sees it half refreshed). */
export async function refreshAudience(
  warehouse: Warehouse,
  id: number,
  stores: number[] | null,
): Promise<Audience> {
  const audience = await getAudience(warehouse, id, stores);
  const { sql, params } = ruleSql(audience.rule, audience.stores);
  const at = params.length + 1;
  await warehouse.transaction(async () => {
    await warehouse.write('DELETE FROM audience_member WHERE audience_id = $1', [id]);
    await warehouse.write(`INSERT INTO audience_member SELECT $${at}, member_id FROM (${sql})`, [
      ...params,
      id,
    ]);
    await warehouse.write(
      `UPDATE audience SET refreshed_at = CAST($2 AS TIMESTAMP),
         size = (SELECT count(*) FROM audience_member WHERE audience_id = $1) WHERE audience_id = $1`,
      [id, now()],
    );
  });
  return getAudience(warehouse, id, stores);
}

export async function deleteAudience(
  warehouse: Warehouse,
  id: number,
  stores: number[] | null,
): Promise<void> {
  await getAudience(warehouse, id, stores);
  await warehouse.transaction(async () => {
    await warehouse.write('DELETE FROM audience_member WHERE audience_id = $1', [id]);
    await warehouse.write('DELETE FROM audience WHERE audience_id = $1', [id]);
  });
}

/** Daily audiences not refreshed since the start of `today` (the chain's date): refreshed now. */
export async function refreshDueAudiences(warehouse: Warehouse, today: string): Promise<number> {
  const due = await warehouse.query(
    `SELECT audience_id FROM audience WHERE schedule = 'daily' AND (refreshed_at IS NULL OR refreshed_at < CAST($1 AS DATE))`,
    [today],
  );
  for (const row of due) await refreshAudience(warehouse, Number(row.audience_id), null);
  return due.length;
}

/** An audience's members with what a campaign needs of them, within the reader's stores too. */
export async function audienceMembers(
  warehouse: Warehouse,
  id: number,
  stores: number[] | null,
): Promise<
  {
    member: number;
    code: string | null;
    store: string | null;
    tier: string | null;
    segment: string | null;
    band: string | null;
    expectedValue: string | null;
  }[]
> {
  await getAudience(warehouse, id, stores);
  const rows = await warehouse.query(
    `SELECT a.member_id, m.member_code, st.name AS store, m.tier, s.rfm_segment, s.clv_band,
            CAST(s.expected_value AS VARCHAR) AS expected_value
     FROM audience_member a JOIN member m USING (member_id) LEFT JOIN member_score s USING (member_id)
     LEFT JOIN store st ON st.store_id = m.home_store_id
     WHERE a.audience_id = $1 AND ${homeStoreCondition(stores, 'm.home_store_id')}
     ORDER BY a.member_id`,
    [id],
  );
  return rows.map((r) => ({
    member: Number(r.member_id),
    code: r.member_code === null ? null : String(r.member_code),
    store: r.store === null ? null : String(r.store),
    tier: r.tier === null ? null : String(r.tier),
    segment: r.rfm_segment === null ? null : String(r.rfm_segment),
    band: r.clv_band === null ? null : String(r.clv_band),
    expectedValue: r.expected_value === null ? null : String(r.expected_value),
  }));
}
