import { randomBytes } from 'node:crypto';
import type { Queryable } from '../appstore/index.js';
import type { Coupon, CouponTemplate } from '../contract/index.js';
import { addDays, ZhongtaiError } from '../model/index.js';
import { emitCoupons } from './outbox.js';
import type { PresentedCoupon } from './price.js';

/**
 * Coupons (电子券): codes of 16 letters and digits drawn from 80 random bits (unguessable: a till cannot walk
 * to the next one), issued from a template up to its cap, claimed by a member up to the template's limit, and
 * redeemed once — the checkout locks each code it uses, and a code another checkout took first is left out.
 */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newCouponCode(): string {
  const bytes = randomBytes(16);
  return [...bytes].map((b) => ALPHABET[b & 31]).join('');
}

interface TemplateRow extends Record<string, unknown> {
  id: string;
  definition: CouponTemplate;
  max_issued: number | null;
  issued: number;
}

const tooMany = (t: TemplateRow, n: number) =>
  new ZhongtaiError(
    'CONFLICT',
    {
      en: `Template ${t.id} may issue ${t.max_issued}; ${t.issued} are out, ${n} more is too many`,
      zh: `券模板 ${t.id} 最多发放 ${t.max_issued} 张，已发 ${t.issued} 张，不能再发 ${n} 张`,
    },
    { field: 'template' },
  );

async function lockTemplate(tx: Queryable, id: string): Promise<TemplateRow> {
  const [t] = await tx.query<TemplateRow>('SELECT * FROM coupon_template WHERE id = $1 FOR UPDATE', [id]);
  if (!t)
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `No coupon template ${id}`, zh: `券模板 ${id} 不存在` },
      { field: 'template' },
    );
  return t;
}

/** Issues coupons of a template: one to each member named, or `count` to no one; within the template's cap. */
export async function issueCoupons(
  tx: Queryable,
  template: string,
  to: { members?: string[]; count?: number },
  today: string,
): Promise<Coupon[]> {
  const t = await lockTemplate(tx, template);
  const holders: (string | null)[] = to.members?.length
    ? to.members
    : Array.from({ length: to.count ?? 0 }, () => null);
  if (t.max_issued !== null && t.issued + holders.length > t.max_issued) throw tooMany(t, holders.length);
  const validTo = addDays(today, t.definition.validDays - 1);
  const codes = holders.map(() => newCouponCode());
  await tx.query(
    `INSERT INTO coupon (code, template_id, member_code, valid_from, valid_to)
     SELECT c, $1, m, $4, $5 FROM unnest($2::text[], $3::text[]) AS x(c, m)`,
    [template, codes, holders, today, validTo],
  );
  await tx.query('UPDATE coupon_template SET issued = issued + $2 WHERE id = $1', [template, holders.length]);
  await emitCoupons(
    tx,
    template,
    codes.map((code, i) => ({ code, member: holders[i] ?? null })),
  );
  return codes.map((code, i) => ({
    code,
    template,
    member: holders[i] ?? null,
    validFrom: today,
    validTo,
    state: 'issued',
    checkout: null,
  }));
}

/** A member claims a coupon (领券): within the template's cap and the member's own limit. */
export async function claimCoupon(
  tx: Queryable,
  template: string,
  member: string,
  today: string,
): Promise<Coupon> {
  const t = await lockTemplate(tx, template);
  const limit = t.definition.perMember;
  if (limit !== null) {
    // Counted after the template's lock, in a statement of its own: it sees every claim committed before.
    const [held] = await tx.query<{ n: string }>(
      'SELECT count(*) AS n FROM coupon WHERE template_id = $1 AND member_code = $2',
      [template, member],
    );
    if (Number(held?.n) >= limit)
      throw new ZhongtaiError(
        'CONFLICT',
        {
          en: `Member ${member} has claimed ${limit} of ${template} already, the most allowed`,
          zh: `会员 ${member} 已领取 ${limit} 张 ${template}，已达上限`,
        },
        { field: 'member' },
      );
  }
  const [made] = await issueCoupons(tx, template, { members: [member] }, today);
  return made as Coupon;
}

/** Coupons presented with a cart: those good for it, and for the others why not. */
export async function presentedCoupons(
  tx: Queryable,
  codes: string[],
  member: string | null,
  today: string,
): Promise<{
  good: PresentedCoupon[];
  bad: { code: string; name: { zh: string; en: string }; detail: { zh: string; en: string } }[];
}> {
  if (!codes.length) return { good: [], bad: [] };
  const rows = await tx.query<{
    code: string;
    member_code: string | null;
    valid_from: string;
    valid_to: string;
    state: string;
    definition: CouponTemplate;
  }>(
    `SELECT c.code, c.member_code, CAST(c.valid_from AS TEXT) AS valid_from, CAST(c.valid_to AS TEXT) AS valid_to,
            c.state, t.definition
     FROM coupon c JOIN coupon_template t ON t.id = c.template_id WHERE c.code = ANY($1::text[])`,
    [codes],
  );
  const found = new Map(rows.map((r) => [r.code, r]));
  const good: PresentedCoupon[] = [];
  const bad: { code: string; name: { zh: string; en: string }; detail: { zh: string; en: string } }[] = [];
  for (const code of [...new Set(codes)]) {
    const r = found.get(code);
    const why = !r
      ? { zh: '券码不存在', en: 'no such coupon' }
      : r.state !== 'issued'
        ? { zh: '券已使用或作废', en: 'used or void already' }
        : today < r.valid_from || today > r.valid_to
          ? { zh: `有效期 ${r.valid_from} 至 ${r.valid_to}`, en: `valid ${r.valid_from} to ${r.valid_to}` }
          : r.member_code && r.member_code !== member
            ? { zh: '券属于其他会员', en: 'it belongs to another member' }
            : null;
    if (why || !r)
      bad.push({
        code,
        name: r?.definition.name ?? { zh: code, en: code },
        detail: why ?? { zh: '', en: '' },
      });
    else good.push({ code, template: r.definition });
  }
  return { good, bad };
}
