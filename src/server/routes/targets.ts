import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { phaseTargets, TARGET_KPIS } from '../../alerts/index.js';
import { type AppStore, recordAudit } from '../../appstore/index.js';
import { importFiles, loadSpec, rollbackLoad } from '../../ingest/index.js';
import { fenOf, wholeMonth, yuan, ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { callerOf, clientIp } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const monthSchema = z.object({ month }).strict();
const money = z
  .union([z.string().regex(/^\d{1,13}(\.\d{1,2})?$/, 'an amount in yuan, at most two decimals'), z.number()])
  .transform((v) => (typeof v === 'number' ? v.toFixed(2) : v))
  .refine((v) => Number(v) >= 0, 'not below zero');
const saveSchema = z
  .object({
    month,
    rows: z
      .array(
        z
          .object({
            kpi: z.enum(TARGET_KPIS),
            level: z.enum(['store', 'region', 'format', 'chain']),
            code: z.string().max(64).default(''),
            /** Empty (null): the target at this key is removed. */
            value: money.nullable(),
          })
          .strict(),
      )
      .min(1)
      .max(5000),
  })
  .strict();

const bounds = (m: string) => {
  const { from, to } = wholeMonth(m);
  return { start: from, end: to };
};

/**
 * Targets over HTTP (目标): a month's targets as set, and typed changes to them, phased to store-days at once; a
 * change that cannot be phased (a store unknown, two levels over one store) is undone, and the answer names it.
 */
const SPEC = fileURLToPath(new URL('../../../examples/targets/spec.yaml', import.meta.url));
const fileNameSchema = z
  .string()
  .regex(/^[^/\\]{1,120}\.(csv|xlsx)$/i, 'a sheet’s name ending .csv or .xlsx');

export function targetRoutes(app: FastifyInstance, warehouse: Warehouse, store: AppStore): void {
  // A planning sheet uploaded as it is (CSV or xlsx), read through examples/targets/spec.yaml like the CLI's import.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      ['application/octet-stream', 'text/csv'],
      { parseAs: 'buffer', bodyLimit: 8 * 1_048_576 },
      (_request, body, done) => done(null, body),
    );
    scope.post(
      '/api/v1/targets/import',
      needs('targets.edit', {
        summary: 'Import a target sheet (CSV or xlsx; header x-file-name) and phase it 导入目标表',
        answers: {
          '200': 'loaded, rejected, skipped, targets, storeDays (a sheet that cannot be phased is not kept)',
        },
      }),
      async (request) => {
        // Encoded by the page (a header is ASCII; a sheet may be called 十二月目标.xlsx).
        const raw = String(request.headers['x-file-name'] ?? '');
        let decoded = raw;
        try {
          decoded = decodeURIComponent(raw);
        } catch {
          // Not encoded: read as given.
        }
        const name = parseBody(fileNameSchema, decoded);
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0)
          throw new ZhongtaiError('BAD_REQUEST', { en: 'An empty sheet', zh: '文件为空' }, { field: 'body' });
        const dir = mkdtempSync(join(tmpdir(), 'zhongtai-targets-'));
        const file = join(dir, `targets${extname(name).toLowerCase()}`);
        try {
          writeFileSync(file, body);
          const result = await importFiles(warehouse, loadSpec(SPEC), [file]);
          // A sheet that cannot be phased is not kept: targets and their days agree.
          const phased = await phaseTargets(warehouse).catch(async (error: unknown) => {
            await rollbackLoad(warehouse, result.loadId);
            throw error;
          });
          await recordAudit(store, {
            actor: callerOf(request).username,
            action: 'targets.edit',
            target: name,
            detail: { loadId: result.loadId, loaded: result.loaded, rejected: result.rejected },
            ip: clientIp(request),
          });
          return {
            loadId: result.loadId,
            loaded: result.loaded,
            rejected: result.rejected,
            skipped: result.skipped,
            targets: phased.targets,
            storeDays: phased.storeDays,
          };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
  app.get(
    '/api/v1/targets',
    needs('targets.edit', {
      summary: 'A month’s targets as set, each with its phased total 月度目标',
      query: monthSchema,
      answers: { '200': 'month, targets: kpi, level, code, value, phased' },
    }),
    async (request) => {
      const { start, end } = bounds(parseBody(monthSchema, request.query).month);
      const rows = await warehouse.query(
        `SELECT kpi, level, code, CAST(value AS VARCHAR) AS value FROM target
         WHERE period_start = CAST($1 AS DATE) AND period_end = CAST($2 AS DATE) ORDER BY kpi, level, code`,
        [start, end],
      );
      return {
        month: start.slice(0, 7),
        targets: rows.map((r) => ({ kpi: r.kpi, level: r.level, code: r.code, value: String(r.value) })),
      };
    },
  );
  app.put(
    '/api/v1/targets',
    needs('targets.edit', {
      summary: 'Set (or clear) targets of a month, phased to store-days at once 设置目标',
      body: saveSchema,
      answers: { '200': 'targets, storeDays, seconds (the phasing)' },
    }),
    async (request) => {
      const body = parseBody(saveSchema, request.body);
      const { start, end } = bounds(body.month);
      const before = await warehouse.query(
        `SELECT kpi, level, code, CAST(value AS VARCHAR) AS value FROM target
         WHERE period_start = CAST($1 AS DATE) AND period_end = CAST($2 AS DATE)`,
        [start, end],
      );
      const write = async (rows: { kpi: string; level: string; code: string; value: string | null }[]) =>
        warehouse.transaction(async () => {
          for (const row of rows) {
            await warehouse.write(
              `DELETE FROM target WHERE kpi = $1 AND level = $2 AND code = $3 AND period_start = CAST($4 AS DATE)`,
              [row.kpi, row.level, row.code, start],
            );
            if (row.value !== null)
              await warehouse.write(
                `INSERT INTO target (kpi, level, code, period_start, period_end, value)
                 VALUES ($1, $2, $3, CAST($4 AS DATE), CAST($5 AS DATE), CAST($6 AS DECIMAL(18,2)))`,
                [row.kpi, row.level, row.code, start, end, yuan(fenOf(row.value))],
              );
          }
        });
      await write(body.rows);
      try {
        const phased = await phaseTargets(warehouse);
        await recordAudit(store, {
          actor: callerOf(request).username,
          action: 'targets.edit',
          target: body.month,
          detail: { rows: body.rows.length },
          ip: clientIp(request),
        });
        return phased;
      } catch (error) {
        // Undo: the keys touched go back to what they were.
        const touched = body.rows.map((r) => {
          const old = before.find((b) => b.kpi === r.kpi && b.level === r.level && b.code === r.code);
          return { kpi: r.kpi, level: r.level, code: r.code, value: old ? String(old.value) : null };
        });
        await write(touched);
        if (error instanceof ZhongtaiError) throw error;
        throw new ZhongtaiError('BAD_REQUEST', {
          en: `The targets could not be phased: ${(error as Error).message}`,
          zh: `目标无法分解：${(error as Error).message}`,
        });
      }
    },
  );
}
