import type { FastifyInstance } from 'fastify';
import { type AppStore, recordAudit } from '../../appstore/index.js';
import { pushBatch, type Spec } from '../../ingest/index.js';
import { forgetDataFacts } from '../../metrics/index.js';
import { ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { callerOf, clientIp } from '../auth.js';

const NDJSON = ['application/x-ndjson', 'application/jsonl', 'application/json-lines', 'text/plain'];

/**
 * Pushes the warehouse committed but the audit log never heard of (the server was killed between the two):
 * written now, as the system, marked recovered — so the log misses no load that landed.
 */
export async function auditUnrecordedLoads(engine: Warehouse, store: AppStore): Promise<number> {
  const loads = await engine.query(
    `SELECT load_id, source, loaded, rejected, skipped FROM ingest_load
     WHERE status = 'ok' AND started_at > now() - INTERVAL 30 DAY
       AND (files LIKE '["push%' OR files LIKE '%zhongtai-push-%') ORDER BY load_id`,
  );
  if (loads.length === 0) return 0;
  const audited = new Set(
    (
      await store.query<{ load_id: string }>(
        `SELECT detail->>'loadId' AS load_id FROM audit_log
         WHERE action = 'ingest.load' AND at > now() - interval '31 days'`,
      )
    ).map((r) => Number(r.load_id)),
  );
  let written = 0;
  for (const load of loads) {
    if (audited.has(Number(load.load_id))) continue;
    await recordAudit(store, {
      actor: 'system',
      action: 'ingest.load',
      target: String(load.source),
      detail: {
        loadId: Number(load.load_id),
        loaded: Number(load.loaded),
        rejected: Number(load.rejected),
        skipped: Number(load.skipped),
        replayed: false,
        recovered: true,
      },
    });
    written++;
  }
  return written;
}

/**
 * POST /api/v1/ingest/{source}: a batch of events as JSON lines, loaded through the source's spec in one
 * transaction. `Idempotency-Key` makes a retried batch harmless.
 */
export function ingestRoutes(
  app: FastifyInstance,
  engine: Warehouse,
  specs: Spec[],
  store: AppStore,
  /** Makes a load visible where queries are answered, when that is not the warehouse (ClickHouse). */
  afterLoad?: (loadId: number, tables: string[]) => Promise<void>,
): void {
  for (const type of NDJSON) {
    if (!app.hasContentTypeParser(type))
      app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 16 * 1_048_576 }, (_req, body, done) =>
        done(null, body),
      );
  }
  app.post<{ Params: { source: string }; Headers: { 'idempotency-key'?: string } }>(
    '/api/v1/ingest/:source',
    {
      bodyLimit: 16 * 1_048_576,
      config: {
        permission: 'ingest.push',
        doc: {
          summary: 'Push a batch of events as JSON lines, loaded through the source spec 实时推送数据',
          rawBody: 'application/x-ndjson',
          headers: [
            {
              name: 'Idempotency-Key',
              description: 'the batch’s key: a batch sent again with it is not loaded twice',
              maxLength: 128,
            },
          ],
          answers: {
            '201': 'Loaded: loadId, loaded, rejected, skipped, first rejects',
            '200': 'Replayed: this idempotency key was loaded before; nothing loaded again',
          },
          notFound: 'Unknown source',
        },
      },
    },
    async (request, reply) => {
      if (request.tokenSource && request.tokenSource !== request.params.source)
        throw new ZhongtaiError('FORBIDDEN', {
          en: `This token may push to source "${request.tokenSource}" only`,
          zh: `该令牌只能向数据源「${request.tokenSource}」推送`,
        });
      const spec = specs.find((s) => s.source === request.params.source);
      if (!spec) {
        throw new ZhongtaiError('NOT_FOUND', {
          en: `No source "${request.params.source}" is configured; start the server with --spec for it`,
          zh: `未配置数据源「${request.params.source}」，请用 --spec 启动服务`,
        });
      }
      if (typeof request.body !== 'string') {
        throw new ZhongtaiError('BAD_REQUEST', {
          en: 'Send the events as JSON lines (Content-Type: application/x-ndjson)',
          zh: '请以 JSON Lines 格式发送事件（Content-Type: application/x-ndjson）',
        });
      }
      const key = request.headers['idempotency-key'];
      if (key !== undefined && !/^[\w.:-]{1,128}$/.test(key)) {
        throw new ZhongtaiError('BAD_REQUEST', {
          en: 'Idempotency-Key: 1..128 letters, digits, . _ : -',
          zh: 'Idempotency-Key 须为 1..128 个字母、数字或 . _ : -',
        });
      }
      const result = await pushBatch(engine, spec, request.body, key);
      forgetDataFacts(engine);
      if (afterLoad && !result.replayed && result.loaded > 0) await afterLoad(result.loadId, result.tables);
      await recordAudit(store, {
        actor: callerOf(request).username,
        action: 'ingest.load',
        target: spec.source,
        detail: {
          loadId: result.loadId,
          loaded: result.loaded,
          rejected: result.rejected,
          replayed: result.replayed,
        },
        ip: clientIp(request),
      });
      return reply.status(result.replayed ? 200 : 201).send(result);
    },
  );
}
