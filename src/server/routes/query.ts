import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AppStore, dashboards, SYSTEM_ACTOR } from '../../appstore/index.js';
import { drillRequestSchema, querySchema } from '../../contract/index.js';
import { dataRange, drillRows, parseQuery, type QueryBudget, runQuery } from '../../metrics/index.js';
import { questionPeriod, ZhongtaiError } from '../../model/index.js';
import type { Engine } from '../../warehouse/index.js';
import { scopeOf } from '../auth.js';
import type { RouteDoc } from '../openapi.js';

/** An embedded dashboard's fixed filters join whatever filters its page sends; the page cannot drop them. */
export function withEmbedFilters(request: FastifyRequest, body: unknown): unknown {
  const fixed = request.embedFilters;
  if (!fixed?.length || typeof body !== 'object' || body === null) return body;
  const own = (body as { filters?: unknown }).filters;
  return {
    ...body,
    filters: [
      ...(Array.isArray(own) ? own : []),
      ...fixed.map((f) => ({ dimension: f.dimension, op: 'eq', value: f.value })),
    ],
  };
}

const outsideLink = (en: string, zh: string) =>
  new ZhongtaiError('FORBIDDEN', {
    en: `An embed link answers only its dashboard's questions: ${en}`,
    zh: `嵌入链接只能回答其看板上的问题：${zh}`,
  });

const minusDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * What an embed link may ask: a tile of its dashboard (that tile's metrics, by its dimensions, with its
 * comparison or none), within the link's period (its last N days), or the tile's own when the link sets none.
 */
async function checkEmbedQuery(
  request: FastifyRequest,
  engine: Engine,
  store: AppStore,
  body: unknown,
): Promise<void> {
  const link = request.embedLink;
  if (!link) return;
  const query = parseQuery(body);
  const { tiles } = await dashboards.get(store, link.dashboardId, SYSTEM_ACTOR);
  const end = (await dataRange(engine))?.to;
  const fits = tiles.filter((tile) => {
    const e = tile.exploration;
    const compare = typeof query.compare === 'string' ? query.compare : query.compare ? 'custom' : '';
    return (
      query.metrics.every((m) => e.metrics.includes(m)) &&
      query.dimensions.every((d) => e.dimensions.includes(d)) &&
      (compare === '' || compare === e.compare)
    );
  });
  if (fits.length === 0)
    throw outsideLink(
      `no tile shows ${query.metrics.join(', ')} by ${query.dimensions.join(', ') || '(total)'}`,
      `没有卡片展示 ${query.metrics.join('、')}（按 ${query.dimensions.join('、') || '合计'}）`,
    );
  if (!end) return;
  const from = query.timeRange?.from;
  const earliest = (tile: (typeof fits)[number]) => {
    const e = tile.exploration;
    if (link.days) return minusDays(end, link.days - 1);
    return questionPeriod(e, end).from;
  };
  const start = fits.map(earliest).sort()[0] as string;
  if (!from || from < start)
    throw outsideLink(
      `its period starts on ${start}, not ${from ?? '(all time)'}`,
      `其期间从 ${start} 开始，不能查询 ${from ?? '全部期间'}`,
    );
}

export function queryRoutes(
  app: FastifyInstance,
  engine: Engine,
  store: AppStore,
  budget: QueryBudget,
): void {
  // The body is checked by the metric service's own schema, so the CLI and the API refuse the same things;
  // the caller's grants filter every row read.
  const queryDoc: RouteDoc = {
    summary: 'Query metrics by dimensions 指标查询',
    description:
      'Rows, columns with labels and units, and metadata. With compare: rows of either period (full outer match); <metric>_prev, <metric>_delta (percentage points, unit pp, for ratios) and <metric>_pct (not for ratios). meta.coverage: {period, comparison} each {from, to, days, daysWithData, partial}; cut by store, also stores: {<store>: {period, comparison, short: {period, comparison}}} for stores with under 90% of the days with data of the chain (opened, closed or missing days); on a week-or-coarser time axis, buckets: the partial ones. Amounts of money (unit CNY, sums) are rounded to the fen (0.01).',
    body: querySchema,
    answers: { '200': 'columns, rows, meta' },
    answerSchema: {
      type: 'object',
      properties: {
        columns: { type: 'array' },
        rows: { type: 'array', items: { type: 'object' } },
        meta: { type: 'object' },
      },
    },
    limited: true,
  };
  app.post('/api/v1/query', { config: { permission: 'data.read', doc: queryDoc } }, async (request) => {
    await checkEmbedQuery(request, engine, store, request.body);
    return runQuery(engine, withEmbedFilters(request, request.body), { scope: scopeOf(request), budget });
  });
  // Drill-through: the sales lines behind a number, filtered the same way.
  const drillDoc: RouteDoc = {
    summary: 'Drill-through: the newest sales lines matching filters in a range 明细下钻',
    body: drillRequestSchema,
    answers: {
      '200':
        'columns (zh/en labels), rows (time, store, channel, SKU, category, tier, qty, net, gross profit), truncated',
    },
  };
  app.post('/api/v1/drill', { config: { permission: 'data.read', doc: drillDoc } }, async (request) =>
    drillRows(engine, withEmbedFilters(request, request.body), scopeOf(request)),
  );
}
