import { z } from 'zod';
import { dashboardInputSchema, embedRequestSchema, themeSchema } from '../appstore/index.js';
import { forecastRequestSchema, replenishRequestSchema } from '../insights/index.js';
import { drillRequestSchema, querySchema } from '../metrics/index.js';
import { accessPaths, securitySchemes } from './openapi-access.js';

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        messageZh: { type: 'string' },
        place: {
          type: 'object',
          properties: { field: { type: 'string' }, row: { type: 'integer' }, file: { type: 'string' } },
        },
      },
      required: ['code', 'message'],
    },
  },
};

/** The OpenAPI document of /api/v1; request schemas come from the same zod schemas that check requests. */
export function openApiDocument(version: string) {
  const errors = {
    '400': { description: 'Bad request', content: { 'application/json': { schema: errorSchema } } },
  };
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: errorSchema } },
  });
  /** What a query may meet on a server with limits (serve --query-timeout, --max-cells, --heavy-queries). */
  const limits = {
    '422': error('QUERY_LIMIT: over the time limit or the cell limit; narrow the cut'),
    '503': error('BUSY: every place for heavy queries stayed taken; try again shortly'),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'zhongtai 中台 API',
      version,
      description: 'Retail KPIs as data services: one catalogue, one query shape. 零售指标数据服务。',
    },
    paths: {
      '/api/v1/health': {
        get: {
          summary: 'Health, engine, schema version and data range',
          responses: { '200': { description: 'OK' } },
        },
      },
      '/api/v1/catalog': {
        get: {
          summary: 'Metrics and dimensions with zh-CN/en labels 指标与维度目录',
          responses: { '200': { description: 'The catalogue' } },
        },
      },
      '/api/v1/query': {
        post: {
          summary: 'Query metrics by dimensions 指标查询',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: z.toJSONSchema(querySchema, { io: 'input' }) } },
          },
          responses: {
            '200': {
              description:
                'Rows, columns with labels and units, and metadata. With compare: rows of either period (full outer match); <metric>_prev, <metric>_delta (percentage points, unit pp, for ratios) and <metric>_pct (not for ratios). meta.coverage: {period, comparison} each {from, to, days, daysWithData, partial}; cut by store, also stores: {<store>: {period, comparison, short: {period, comparison}}} for stores with under 90% of the days with data of the chain (opened, closed or missing days). Amounts of money (unit CNY, sums) are rounded to the fen (0.01).',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      columns: { type: 'array' },
                      rows: { type: 'array', items: { type: 'object' } },
                      meta: { type: 'object' },
                    },
                  },
                },
              },
            },
            ...errors,
            ...limits,
          },
        },
      },
      '/api/v1/drill': {
        post: {
          summary: 'Drill-through: the newest sales lines matching filters in a range 明细下钻',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: z.toJSONSchema(drillRequestSchema, { io: 'input' }) } },
          },
          responses: {
            '200': {
              description:
                'columns (zh/en labels), rows (time, store, channel, SKU, category, tier, qty, net, gross profit), truncated',
            },
            ...errors,
          },
        },
      },
      '/api/v1/forecast': {
        post: {
          summary:
            'Forecast daily sales per store, store × category or store × SKU with P10/P50/P90, saved as a forecast run 销售预测',
          requestBody: {
            required: false,
            content: {
              'application/json': { schema: z.toJSONSchema(forecastRequestSchema, { io: 'input' }) },
            },
          },
          responses: {
            '200': {
              description: 'The run id, origin, interval and one row per store and day',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      runId: { type: 'integer' },
                      origin: { type: 'string' },
                      model: { type: 'string' },
                      interval: { type: 'object' },
                      rows: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: {
                            store: { type: 'integer' },
                            category: { type: 'string', description: 'levels category and store-sku' },
                            sku: { type: 'integer', description: 'level store-sku' },
                            date: { type: 'string' },
                            p10: { type: 'number' },
                            p50: { type: 'number' },
                            p90: { type: 'number' },
                          },
                        },
                      },
                      seconds: { type: 'number' },
                    },
                  },
                },
              },
            },
            ...errors,
          },
        },
      },
      '/api/v1/forecast/progress': {
        get: {
          summary: 'How far the forecast run under way has got, and how many wait behind it 预测进度',
          responses: {
            '200': {
              description:
                'running: false, or running: true with step (queued, reading, 验证 / validating, 训练 / training), share (0…1), seconds and queued (runs waiting their turn: one runs at a time)',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
      '/api/v1/forecast/runs': {
        get: {
          summary: 'The forecast runs kept in the warehouse, newest first 预测记录',
          responses: {
            '200': {
              description: 'runs: runId, createdAt, level, model, origin, horizon, series, seconds',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
      '/api/v1/replenish': {
        post: {
          summary:
            'Order suggestions per store × SKU from forecast sales, largest first 补货建议（以销定采）',
          requestBody: {
            required: false,
            content: {
              'application/json': { schema: z.toJSONSchema(replenishRequestSchema, { io: 'input' }) },
            },
          },
          responses: {
            '200': {
              description:
                'date, series (store × SKU lines considered), toOrder, orderCost (CNY at cost), rows (costliest first): store, storeName, sku, name, category, onHand, onOrder, demand, safety, order, packs, orderCost, shelfLife',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            ...errors,
          },
        },
      },
      '/api/v1/dashboards': {
        get: {
          summary: 'Dashboards, newest first 看板列表',
          responses: {
            '200': {
              description:
                'The dashboards shared with the caller: id, name, tiles, owner, shares, version, canEdit, canDelete',
            },
          },
        },
        post: {
          summary: 'Create a dashboard of saved questions 新建看板',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: z.toJSONSchema(dashboardInputSchema, { io: 'input' }) },
            },
          },
          responses: { '201': { description: 'The dashboard with its id' }, ...errors },
        },
      },
      '/api/v1/dashboards/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        get: {
          summary: 'One dashboard 看板',
          responses: { '200': { description: 'The dashboard' }, ...errors },
        },
        put: {
          summary:
            'Replace a dashboard’s name and tiles (its owner, an administrator or an edit share); with `version`, refused (409) if changed meanwhile 保存看板',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: z.toJSONSchema(dashboardInputSchema, { io: 'input' }) },
            },
          },
          responses: { '200': { description: 'The dashboard as saved' }, ...errors },
        },
        delete: {
          summary: 'Delete a dashboard (its owner or an administrator; restorable) 删除看板',
          responses: { '204': { description: 'Deleted' }, ...errors },
        },
      },
      '/api/v1/dashboards/{id}/versions': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        get: {
          summary: 'Every kept version of a dashboard, newest first 看板历史版本',
          responses: {
            '200': { description: 'versions: version, name, tiles, change, changedBy, changedAt' },
          },
        },
      },
      '/api/v1/dashboards/{id}/restore': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        post: {
          summary: 'Bring back a kept version (and a deleted dashboard) 恢复看板版本',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { version: { type: 'integer' } },
                  required: ['version'],
                },
              },
            },
          },
          responses: { '200': { description: 'The dashboard as restored' }, ...errors },
        },
      },
      '/api/v1/embed': {
        post: {
          summary: 'A signed, expiring link to a dashboard with fixed filters 生成嵌入链接',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: z.toJSONSchema(embedRequestSchema, { io: 'input' }) } },
          },
          responses: { '201': { description: 'token, path (/embed/{token}), expiresAt' }, ...errors },
        },
      },
      '/api/v1/embed/{token}': {
        parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          summary: 'What an embed link shows: its dashboard and fixed filters 打开嵌入链接',
          security: [],
          responses: {
            '200': { description: 'dashboard, filters, days, expiresAt' },
            '401': {
              description: 'Altered or expired link',
              content: { 'application/json': { schema: errorSchema } },
            },
          },
        },
      },
      '/api/v1/settings/theme': {
        get: {
          summary: 'The web app’s theme (no sign-in: the sign-in page wears it) 主题',
          security: [],
          responses: { '200': { description: 'mode, brandColor, logoText, logoImage' } },
        },
        put: {
          summary: 'Set the theme: light or dark, brand colour, logo 定制主题 (settings.edit)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: z.toJSONSchema(themeSchema, { io: 'input' }) } },
          },
          responses: { '200': { description: 'The theme as saved' }, ...errors },
        },
      },
      '/api/v1/ingest/{source}': {
        post: {
          summary: 'Push a batch of events as JSON lines, loaded through the source spec 实时推送数据',
          parameters: [
            { name: 'source', in: 'path', required: true, schema: { type: 'string' } },
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 128 },
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/x-ndjson': { schema: { type: 'string' } } },
          },
          responses: {
            '201': { description: 'Loaded: loadId, loaded, rejected, skipped, first rejects' },
            '200': { description: 'Replayed: this idempotency key was loaded before; nothing loaded again' },
            ...errors,
            '404': {
              description: 'Unknown source',
              content: { 'application/json': { schema: errorSchema } },
            },
          },
        },
      },
      '/api/v1/openapi.json': {
        get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
      ...accessPaths,
    },
    components: { securitySchemes },
    // Every operation needs one of these unless it says `security: []`.
    security: [{ session: [] }, { token: [] }],
  };
}
