import type { Queryable } from '../appstore/index.js';
import type { Member, MemberChannel, MemberGeneration } from '../contract/index.js';
import { ZhongtaiError } from '../model/index.js';
import { emit } from './once.js';
import { maskPhone, normalisePhone, type PiiKey } from './phone.js';
import { TX_NOW } from './schema.js';

export interface MemberRow extends Record<string, unknown> {
  id: string;
  code: string;
  phone_sealed: string;
  phone_masked: string;
  name: string | null;
  generation: MemberGeneration;
  home_store: number | null;
  registered_at: Date | string;
  merged_into?: string | null;
  grade?: string;
}

export const COLUMNS =
  'id, code, phone_sealed, phone_masked, name, generation, grade, home_store, registered_at, merged_into';

/**
 * The external id kind of the chain's member card number (会员卡号), which its POS, CRM and orders already
 * carry: a member registered with one is that member in the warehouse. Members born in the center are known
 * there by CENTER_ID_BASE + their own id, above the card numbers of the systems loaded before.
 */
export const CARD_KIND = 'card';
export const CENTER_ID_BASE = 1_000_000_000_000;

export type RegisterInput = {
  phone: string;
  name?: string;
  store?: number;
  channel?: MemberChannel;
  externalIds: { kind: string; value: string }[];
};

export const unknownMember = (what: string) =>
  new ZhongtaiError('NOT_FOUND', { en: `No member ${what}`, zh: `会员 ${what} 不存在` }, { field: 'member' });

/** The member a row is now: itself, or the member it was merged into (and so on). */
async function current(
  tx: Queryable,
  row: MemberRow | undefined,
  what: string,
  lock: boolean,
): Promise<MemberRow> {
  let found = row;
  for (let hops = 0; found?.merged_into && hops < 20; hops++) {
    [found] = await tx.query<MemberRow>(`SELECT ${COLUMNS} FROM member WHERE id = $1`, [found.merged_into]);
  }
  if (!found) throw unknownMember(what);
  if (lock) await tx.query('SELECT id FROM member WHERE id = $1 FOR NO KEY UPDATE', [found.id]);
  return found;
}

/** The member a code names: a merged member's code answers as the member it was merged into. */
export async function memberByCode(tx: Queryable, code: string, lock = false): Promise<MemberRow> {
  const [row] = await tx.query<MemberRow>(`SELECT ${COLUMNS} FROM member WHERE code = $1`, [code]);
  return current(tx, row, code, lock);
}

/** The member a code names as it is, merged away or not (undoing a merge starts from it). */
export async function memberItself(tx: Queryable, code: string): Promise<MemberRow> {
  const [row] = await tx.query<MemberRow>(`SELECT ${COLUMNS} FROM member WHERE code = $1`, [code]);
  if (!row) throw unknownMember(code);
  return row;
}

export async function findMember(
  tx: Queryable,
  key: PiiKey,
  by: { phone?: string; kind?: string; value?: string },
): Promise<MemberRow> {
  if (by.phone) {
    const phone = normalisePhone(by.phone);
    // A number merged away still finds its person: the member it was merged into.
    const [row] = await tx.query<MemberRow>(
      `SELECT ${COLUMNS} FROM member WHERE phone_digest = $1 ORDER BY merged_into IS NULL DESC, id DESC LIMIT 1`,
      [key.digest(phone)],
    );
    return current(tx, row, maskPhone(phone), false);
  }
  if (by.kind && by.value) {
    const [row] = await tx.query<MemberRow>(
      `SELECT ${COLUMNS.replace(/(\w+)/g, 'm.$1')} FROM member_external_id x JOIN member m ON m.id = x.member_id
       WHERE x.kind = $1 AND x.value = $2 AND m.merged_into IS NULL`,
      [by.kind, by.value],
    );
    if (!row) throw unknownMember(`${by.kind}:${by.value}`);
    return row;
  }
  throw new ZhongtaiError(
    'BAD_REQUEST',
    {
      en: 'Look a member up by phone, or by kind and value of an external id',
      zh: '请按手机号，或按外部 ID 的类型与值查询会员',
    },
    { field: 'phone' },
  );
}

/** A member as the API shows them; the phone in full only for callers holding `members.pii`. */
export async function memberView(tx: Queryable, key: PiiKey, row: MemberRow, pii: boolean): Promise<Member> {
  const ids = await tx.query<{ kind: string; value: string }>(
    'SELECT kind, value FROM member_external_id WHERE member_id = $1 ORDER BY kind, value',
    [row.id],
  );
  return {
    code: row.code,
    phone: pii ? key.decrypt(row.phone_sealed) : row.phone_masked,
    name: row.name,
    generation: row.generation,
    grade: row.grade ?? 'normal',
    homeStore: row.home_store,
    registeredAt: new Date(row.registered_at).toISOString(),
    externalIds: ids,
  };
}

export async function registerMember(tx: Queryable, key: PiiKey, input: RegisterInput): Promise<MemberRow> {
  const phone = normalisePhone(input.phone);
  const digest = key.digest(phone);
  const taken = (code: string | undefined) =>
    new ZhongtaiError(
      'CONFLICT',
      {
        en: `${maskPhone(phone)} is already member ${code ?? ''}`.trim(),
        zh: `${maskPhone(phone)} 已是会员 ${code ?? ''}`.trim(),
      },
      { field: 'phone' },
    );
  const [existing] = await tx.query<MemberRow>(
    `SELECT ${COLUMNS} FROM member WHERE phone_digest = $1 ORDER BY merged_into IS NULL DESC, id DESC LIMIT 1`,
    [digest],
  );
  if (existing) throw taken((await current(tx, existing, '', false)).code);
  // Two tills registering one number at once: the unique index lets one in, and the other is told so.
  const made = await tx
    .query<{ id: string }>(
      `INSERT INTO member (phone_digest, phone_sealed, phone_masked, name, home_store, channel)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [
        digest,
        key.encrypt(phone),
        maskPhone(phone),
        input.name ?? null,
        input.store ?? null,
        input.channel ?? 'pos',
      ],
    )
    .catch((error: unknown) => {
      throw (error as { code?: string }).code === '23505' ? taken(undefined) : error;
    });
  const id = (made[0] as { id: string }).id;
  const card = input.externalIds.find((e) => e.kind === CARD_KIND && /^[1-9]\d{0,11}$/.test(e.value))?.value;
  await tx.query(
    "UPDATE member SET code = 'M' || lpad(id::text, 8, '0'), warehouse_id = coalesce($2, $3 + id) WHERE id = $1",
    [id, card ?? null, CENTER_ID_BASE],
  );
  const row = await memberById(tx, id);
  for (const external of input.externalIds) await linkId(tx, row, external);
  await emit(tx, 'member.registered', {
    member: row.code,
    store: row.home_store,
    generation: row.generation,
    at: new Date(row.registered_at).toISOString(),
  });
  return row;
}

async function memberById(tx: Queryable, id: string): Promise<MemberRow> {
  const [row] = await tx.query<MemberRow>(`SELECT ${COLUMNS} FROM member WHERE id = $1`, [id]);
  if (!row) throw unknownMember(id);
  return row;
}

/** Links an id the member has elsewhere; an id already another member's is refused. */
export async function linkId(
  tx: Queryable,
  member: MemberRow,
  id: { kind: string; value: string },
): Promise<void> {
  const [owner] = await tx.query<{ code: string }>(
    `INSERT INTO member_external_id (kind, value, member_id) VALUES ($1, $2, $3)
     ON CONFLICT (kind, value) DO UPDATE SET kind = excluded.kind
     RETURNING (SELECT code FROM member WHERE id = member_external_id.member_id) AS code`,
    [id.kind, id.value, member.id],
  );
  if (owner?.code !== member.code)
    throw new ZhongtaiError(
      'CONFLICT',
      {
        en: `${id.kind} ${id.value} belongs to member ${owner?.code}`,
        zh: `${id.kind} ${id.value} 已属于会员 ${owner?.code}`,
      },
      { field: 'externalIds' },
    );
  await emit(tx, 'member.linked', { member: member.code, kind: id.kind });
}

/** A wallet top-up makes a registered member a wallet member; a paid member stays paid. */
export async function raiseGeneration(tx: Queryable, member: MemberRow, to: MemberGeneration): Promise<void> {
  const order: MemberGeneration[] = ['registered', 'wallet', 'paid'];
  if (order.indexOf(to) <= order.indexOf(member.generation)) return;
  await tx.query(`UPDATE member SET generation = $2, generation_since = ${TX_NOW} WHERE id = $1`, [
    member.id,
    to,
  ]);
  await emit(tx, 'member.generation', { member: member.code, from: member.generation, to });
  member.generation = to;
}
