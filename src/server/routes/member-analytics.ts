import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  CLV_BANDS,
  campaignSeries,
  clerkAttribution,
  evaluateCampaigns,
  homeStoreCondition,
  lastSalesDay,
  memberCohorts,
  memberRfm,
  movement,
  SEGMENTS,
  saveCampaignResults,
  savedCampaignResults,
  tierConversion,
  tierFunnel,
  upgradeEffect,
} from '../../insights/index.js';
import { resolveScope } from '../../metrics/index.js';
import { addDays, ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { callerOf, scopeOf } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day YYYY-MM-DD');
const spanSchema = z.object({ from: month.optional(), to: month.optional() }).strict();
const conversionSchema = spanSchema
  .extend({ by: z.enum(['channel', 'store', 'clerk']).default('channel') })
  .strict();
const upgradeSchema = spanSchema
  .extend({
    stage: z.enum(['wallet', 'paid']).default('paid'),
    days: z.coerce.number().int().min(7).max(365).default(90),
  })
  .strict();
const cohortSchema = spanSchema
  .extend({
    by: z.enum(['first_purchase', 'registration']).default('first_purchase'),
    channel: z.string().min(1).max(32).optional(),
  })
  .strict();
const movementSchema = z.object({ days: z.coerce.number().int().min(7).max(365).default(30) }).strict();
const clerkSchema = z.object({ from: day.optional(), to: day.optional() }).strict();
const memberListSchema = z
  .object({
    segment: z.enum(Object.keys(SEGMENTS) as [string, ...string[]]).optional(),
    band: z.enum(Object.keys(CLV_BANDS) as [string, ...string[]]).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  })
  .strict();
const memberIdSchema = z.object({ id: z.coerce.number().int().positive() });
const campaignIdSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

/**
 * The stores whose members the caller may analyse (null: every store). Members belong to their home store; a
 * supplier's grant reaches products, not members, and a till's role reads members one at a time, not in bulk.
 */
export async function memberStores(engine: Warehouse, request: FastifyRequest): Promise<number[] | null> {
  const caller = callerOf(request);
  if (!caller.permissions.has('data.read'))
    throw new ZhongtaiError('FORBIDDEN', {
      en: `Your role (${caller.role}) may not analyse members (needs data.read)`,
      zh: `您的角色（${caller.role}）无权进行会员分析（需要 data.read 权限）`,
    });
  const scope = await resolveScope(engine, scopeOf(request));
  if (scope.supplierIds)
    throw new ZhongtaiError('FORBIDDEN', {
      en: 'Member analytics covers members; a supplier’s grant covers products only',
      zh: '会员分析涉及会员数据，供应商授权仅限商品',
    });
  return scope.storeIds ?? null;
}

/** Campaigns reach the whole chain: their evaluation is for callers who see all of it. */
async function chainWide(engine: Warehouse, request: FastifyRequest): Promise<void> {
  if ((await memberStores(engine, request)) !== null)
    throw new ZhongtaiError('FORBIDDEN', {
      en: 'Campaign evaluation compares members across the chain; your grant covers some stores only',
      zh: '营销效果评估需对比全链会员，您的授权仅限部分门店',
    });
}

/** Months to default to: the twelve to the month of the last sales day. */
async function span(engine: Warehouse, from?: string, to?: string): Promise<{ from: string; to: string }> {
  const last = (await lastSalesDay(engine)).slice(0, 7);
  const end = to ?? last;
  const [y, m] = end.split('-').map(Number) as [number, number];
  const back = new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 7);
  return { from: from ?? back, to: end };
}

/** Member analytics (会员分析) and campaign evaluation (营销活动) over the warehouse, within the caller's grants. */
export function memberAnalyticsRoutes(app: FastifyInstance, engine: Warehouse): void {
  const read = (summary: string, answers: string, query?: z.ZodObject) =>
    needs('members.read', { summary, ...(query ? { query } : {}), answers: { '200': answers } });

  app.get(
    '/api/v1/member-analytics/funnel',
    read(
      'Tier funnel by month: members at each stage, upgrades, renewals 会员等级漏斗',
      'from, to, lastDay (the last day with sales: its month may be partial), months: month, registered, wallet, paid, joined, toWallet, toPaid, walletRate, paidRate, renewalsDue, renewed, renewalRate',
      spanSchema,
    ),
    async (request) => {
      const q = parseBody(spanSchema, request.query);
      const stores = await memberStores(engine, request);
      const months = await span(engine, q.from, q.to);
      // The month of the last day with data may be partly empty: the page says so rather than show a dip.
      return {
        ...months,
        lastDay: await lastSalesDay(engine),
        months: await tierFunnel(engine, { ...months, stores }),
      };
    },
  );

  app.get(
    '/api/v1/member-analytics/conversion',
    read(
      'Conversion between tiers by registration channel, home store or recruiting clerk 会员升级转化',
      'from, to, by, groups: key, label, joined, wallet, paid',
      conversionSchema,
    ),
    async (request) => {
      const q = parseBody(conversionSchema, request.query);
      const stores = await memberStores(engine, request);
      const months = await span(engine, q.from, q.to);
      return { ...months, by: q.by, groups: await tierConversion(engine, { ...months, by: q.by, stores }) };
    },
  );

  app.get(
    '/api/v1/member-analytics/upgrade-effect',
    read(
      'Spend of upgraders against like members who did not upgrade 升级对消费的影响',
      'stage, days, treated, control, lift, low, high, naive, preTreated, preControl, monthsLeftOut, controlShare',
      upgradeSchema,
    ),
    async (request) => {
      const q = parseBody(upgradeSchema, request.query);
      const stores = await memberStores(engine, request);
      const months = await span(engine, q.from, q.to);
      return upgradeEffect(engine, { ...months, stage: q.stage, days: q.days, stores });
    },
  );

  app.get(
    '/api/v1/member-analytics/segments',
    read(
      'Members, spend and value per RFM segment and per CLV band, as last scored 会员分层',
      'asOf, segments: segment, label, members, monetary, recency, frequency; bands: band, label, members, value; values (expected value per member, for a histogram)',
    ),
    async (request) => {
      const stores = await memberStores(engine, request);
      const own = `WHERE ${homeStoreCondition(stores, 'home_store_id')}`;
      const [asOf] = await engine.query(`SELECT CAST(max(as_of) AS VARCHAR) AS d FROM member_score`);
      const segments = await engine.query(
        `SELECT rfm_segment AS segment, count(*) AS members, CAST(sum(monetary) AS VARCHAR) AS monetary,
                avg(recency_days) AS recency, avg(frequency) AS frequency
         FROM member_score ${own} AND rfm_segment IS NOT NULL GROUP BY 1`,
      );
      const bands = await engine.query(
        `SELECT clv_band AS band, count(*) AS members, CAST(sum(expected_value) AS VARCHAR) AS value
         FROM member_score ${own} AND clv_band IS NOT NULL GROUP BY 1`,
      );
      const values = await engine.query(
        `SELECT CAST(expected_value AS DOUBLE) AS v FROM member_score ${own} AND expected_value IS NOT NULL`,
      );
      return {
        asOf: asOf?.d ? String(asOf.d) : null,
        segments: (Object.keys(SEGMENTS) as (keyof typeof SEGMENTS)[]).map((id) => {
          const row = segments.find((s) => s.segment === id);
          return {
            segment: id,
            label: { zh: SEGMENTS[id].zh, en: SEGMENTS[id].en },
            r: SEGMENTS[id].r,
            f: SEGMENTS[id].f,
            m: SEGMENTS[id].m,
            members: Number(row?.members ?? 0),
            monetary: row ? String(row.monetary) : '0',
            recency: row?.recency === null || row === undefined ? null : Number(row.recency),
            frequency: row?.frequency === null || row === undefined ? null : Number(row.frequency),
          };
        }),
        bands: (Object.keys(CLV_BANDS) as (keyof typeof CLV_BANDS)[]).map((id) => {
          const row = bands.find((b) => b.band === id);
          return {
            band: id,
            label: CLV_BANDS[id],
            members: Number(row?.members ?? 0),
            value: row ? String(row.value) : '0',
          };
        }),
        values: values.map((v) => Math.round(Number(v.v) * 100) / 100),
      };
    },
  );

  app.get(
    '/api/v1/member-analytics/rfm-movement',
    read(
      'How members moved between RFM segments since a month (or N days) before 会员分层迁移',
      'date, since, moves: from, to, members (from "none": new in the window; to "none": no order in it any more)',
      movementSchema,
    ),
    async (request) => {
      const q = parseBody(movementSchema, request.query);
      const stores = await memberStores(engine, request);
      const date = await lastSalesDay(engine);
      const since = addDays(date, -q.days);
      const [now, before] = [
        await memberRfm(engine, date, 365, { stores }),
        await memberRfm(engine, since, 365, { stores }),
      ];
      return {
        date,
        since,
        moves: [...movement(before, now)].map(([key, members]) => {
          const [from, to] = key.split('>') as [string, string];
          return { from, to, members };
        }),
      };
    },
  );

  app.get(
    '/api/v1/member-analytics/cohorts',
    read(
      'Retention and spend per member by first-purchase or registration month 同期群',
      'from, to, by, cohorts: month, members, active[], spend[] (month 0, 1, …)',
      cohortSchema,
    ),
    async (request) => {
      const q = parseBody(cohortSchema, request.query);
      const stores = await memberStores(engine, request);
      const months = await span(engine, q.from, q.to);
      return {
        ...months,
        by: q.by,
        channel: q.channel ?? null,
        cohorts: await memberCohorts(engine, {
          ...months,
          by: q.by,
          stores,
          ...(q.channel ? { channel: q.channel } : {}),
        }),
      };
    },
  );

  app.get(
    '/api/v1/member-analytics/clerks',
    read(
      'Members each employee recruited and what they bought, ranked by store 导购业绩',
      'from, to, clerks: employee, name, store, storeName, rank, recruits, joined, buyers, repeaters, sales, upgrades',
      clerkSchema,
    ),
    async (request) => {
      const q = parseBody(clerkSchema, request.query);
      const stores = await memberStores(engine, request);
      const to = q.to ?? (await lastSalesDay(engine));
      const from = q.from ?? addDays(to, -89);
      return { from, to, clerks: await clerkAttribution(engine, { from, to, stores }) };
    },
  );

  app.get(
    '/api/v1/member-analytics/members',
    read(
      'Members as scored, filtered by segment or band, highest value first 会员列表',
      'asOf, total, members: member, code, store, tier, registeredAt, recencyDays, frequency, monetary, segment, pAlive, expectedValue, band',
      memberListSchema,
    ),
    async (request) => {
      const q = parseBody(memberListSchema, request.query);
      const stores = await memberStores(engine, request);
      const where = [
        homeStoreCondition(stores, 's.home_store_id'),
        q.segment ? 's.rfm_segment = $1' : '$1 IS NULL',
        q.band ? 's.clv_band = $2' : '$2 IS NULL',
      ].join(' AND ');
      const params = [q.segment ?? null, q.band ?? null];
      const [total] = await engine.query(`SELECT count(*) AS n FROM member_score s WHERE ${where}`, params);
      const rows = await engine.query(
        `SELECT s.member_id, m.member_code, st.name AS store, m.tier, CAST(m.registered_at AS VARCHAR) AS registered_at,
                s.recency_days, s.frequency, CAST(s.monetary AS VARCHAR) AS monetary, s.rfm_segment, s.p_alive,
                CAST(s.expected_value AS VARCHAR) AS expected_value, s.clv_band, CAST(s.as_of AS VARCHAR) AS as_of
         FROM member_score s LEFT JOIN member m USING (member_id) LEFT JOIN store st ON st.store_id = s.home_store_id
         WHERE ${where} ORDER BY s.expected_value DESC NULLS LAST, s.monetary DESC, s.member_id
         LIMIT ${q.limit} OFFSET ${q.offset}`,
        params,
      );
      return {
        asOf: rows[0]?.as_of ? String(rows[0].as_of) : null,
        total: Number(total?.n ?? 0),
        members: rows.map((r) => ({
          member: Number(r.member_id),
          code: r.member_code === null ? null : String(r.member_code),
          store: r.store === null ? null : String(r.store),
          tier: r.tier === null ? null : String(r.tier),
          registeredAt: r.registered_at === null ? null : String(r.registered_at).slice(0, 10),
          recencyDays: r.recency_days === null ? null : Number(r.recency_days),
          frequency: Number(r.frequency),
          monetary: String(r.monetary),
          segment: r.rfm_segment === null ? null : String(r.rfm_segment),
          pAlive: r.p_alive === null ? null : Number(r.p_alive),
          expectedValue: r.expected_value === null ? null : String(r.expected_value),
          band: r.clv_band === null ? null : String(r.clv_band),
        })),
      };
    },
  );

  app.get(
    '/api/v1/member-analytics/members/:id',
    needs('members.read', {
      summary: 'One member’s history: orders by month, last orders, tier events 会员明细',
      numericParams: ['id'],
      answers: {
        '200':
          'member, months: month, orders, net; orders (last 50): order, date, store, channel, net; events: date, type',
      },
      notFound: 'No such member within your grants',
    }),
    async (request) => {
      const { id } = parseBody(memberIdSchema, request.params);
      const stores = await memberStores(engine, request);
      const [member] = await engine.query(
        `SELECT m.member_id, m.member_code, m.tier, CAST(m.registered_at AS VARCHAR) AS registered_at, m.registered_channel,
                m.home_store_id, st.name AS store, e.name AS recruited_by
         FROM member m LEFT JOIN store st ON st.store_id = m.home_store_id LEFT JOIN employee e ON e.employee_id = m.recruited_by
         WHERE m.member_id = $1`,
        [id],
      );
      if (!member || (stores && !stores.includes(Number(member.home_store_id))))
        throw new ZhongtaiError('NOT_FOUND', { en: `No member ${id}`, zh: `没有会员 ${id}` });
      const months = await engine.query(
        `SELECT strftime(date, '%Y-%m') AS month, count(*) AS orders, CAST(sum(net) AS VARCHAR) AS net FROM member_orders
         WHERE member_id = $1 AND status = 'completed' GROUP BY 1 ORDER BY 1`,
        [id],
      );
      const orders = await engine.query(
        `SELECT o.order_id, CAST(o.ts AS VARCHAR) AS ts, st.name AS store, o.channel, o.status, CAST(o.net AS VARCHAR) AS net
         FROM member_orders o LEFT JOIN store st ON st.store_id = o.store_id WHERE o.member_id = $1 ORDER BY o.ts DESC LIMIT 50`,
        [id],
      );
      const events = await engine.query(
        `SELECT CAST(date AS VARCHAR) AS date, type FROM member_event WHERE member_id = $1 ORDER BY ts`,
        [id],
      );
      return {
        member: {
          member: Number(member.member_id),
          code: member.member_code === null ? null : String(member.member_code),
          tier: String(member.tier),
          registeredAt: String(member.registered_at).slice(0, 10),
          channel: String(member.registered_channel),
          store: member.store === null ? null : String(member.store),
          recruitedBy: member.recruited_by === null ? null : String(member.recruited_by),
        },
        months: months.map((m) => ({ month: String(m.month), orders: Number(m.orders), net: String(m.net) })),
        orders: orders.map((o) => ({
          order: String(o.order_id),
          ts: String(o.ts).slice(0, 19),
          store: o.store === null ? null : String(o.store),
          channel: String(o.channel),
          status: String(o.status),
          net: String(o.net),
        })),
        events: events.map((e) => ({ date: String(e.date).slice(0, 10), type: String(e.type) })),
      };
    },
  );

  app.get(
    '/api/v1/campaigns',
    read(
      'Every campaign’s cost, reach, redemptions, lift with its interval and ROI, as last evaluated 营销效果评估',
      'campaigns: the evaluation of each (campaign, name, type, start, end, design, targeted, analysed, control, redemptions, redemptionRate, daysToRedeem, liftPerMember, liftLow, liftHigh, incrementalSales, incrementalGrossProfit, cost, roi, preTargeted, preControl, overlap, notes, evaluatedAt)',
    ),
    async (request) => {
      await chainWide(engine, request);
      return { campaigns: await savedCampaignResults(engine) };
    },
  );

  app.post(
    '/api/v1/campaigns/evaluate',
    needs('promotions.edit', {
      summary: 'Evaluate every campaign again (after new loads) and keep the results 重新评估营销活动',
      answers: { '200': 'campaigns: the new evaluations' },
    }),
    async (request) => {
      await chainWide(engine, request);
      const results = await evaluateCampaigns(engine);
      await saveCampaignResults(engine, results);
      return { campaigns: await savedCampaignResults(engine) };
    },
  );

  app.get(
    '/api/v1/campaigns/:id/series',
    needs('members.read', {
      summary: 'A campaign’s targeted and control members’ sales per member, day by day 活动对照走势',
      numericParams: ['id'],
      answers: {
        '200':
          'campaign, name, start, end, design, targeted, control, days: date, targeted, control (net per member)',
      },
      notFound: 'No such campaign',
    }),
    async (request) => {
      const { id } = parseBody(campaignIdSchema, request.params);
      await chainWide(engine, request);
      return campaignSeries(engine, id);
    },
  );
}
