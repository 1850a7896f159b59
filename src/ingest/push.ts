import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takingTurns, ZhongtaiError } from '../model/index.js';
import type { Row, Warehouse } from '../warehouse/index.js';
import { listRejects } from './history.js';
import { type ImportResult, importFiles } from './load.js';
import { fileSpecFor, type Spec } from './spec.js';

export interface PushResult {
  loadId: number;
  loaded: number;
  rejected: number;
  skipped: number;
  /** True when this idempotency key was already loaded: nothing was loaded again. */
  replayed: boolean;
  /** The model tables this batch wrote (none when replayed). */
  tables: string[];
  rejects: Row[];
}

/** The name a pushed batch is loaded under: the spec entry matching it decides the targets. */
export const pushFileName = (source: string) => `push-${source}.jsonl`;

/**
 * Loads one batch of events pushed as JSON lines, through the same spec, checks and quarantine as files,
 * in one transaction. A retried batch with the same idempotency key is answered from its first load.
 */
export async function pushBatch(
  engine: Warehouse,
  spec: Spec,
  body: string,
  idempotencyKey?: string,
): Promise<PushResult> {
  const name = pushFileName(spec.source);
  if (!fileSpecFor(spec, name)) {
    throw new ZhongtaiError('BAD_REQUEST', {
      en: `The spec of source "${spec.source}" has no entry matching ${name}; add one (format: jsonl) to accept pushed events`,
      zh: `数据源「${spec.source}」的映射规范中没有匹配 ${name} 的条目，请添加（format: jsonl）以接收推送`,
    });
  }
  const lines = body.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0)
    throw new ZhongtaiError('BAD_REQUEST', { en: 'The batch holds no events', zh: '本批次没有事件' });
  lines.forEach((line, i) => {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new Error('not an object');
    } catch {
      throw new ZhongtaiError(
        'BAD_REQUEST',
        { en: `Line ${i + 1} of the batch is not a JSON object`, zh: `批次第 ${i + 1} 行不是 JSON 对象` },
        { row: i + 1 },
      );
    }
  });
  const text = `${lines.join('\n')}\n`;
  if (!idempotencyKey) return loadBatch(engine, spec, text);
  // Uses of one key take turns, so two at once cannot both load; each then finds the other's load.
  return oneAtATime(`${spec.source}\u0000${idempotencyKey}`, async () => {
    const label = `push:${idempotencyKey}`;
    const [earlier] = await engine.write(
      `SELECT load_id, loaded, rejected, skipped, file_hashes FROM ingest_load WHERE source = $1 AND status = 'ok' AND files = $2 ORDER BY load_id LIMIT 1`,
      [spec.source, JSON.stringify([label])],
    );
    if (!earlier) return loadBatch(engine, spec, text, label);
    const [first] = JSON.parse(String(earlier.file_hashes ?? '[]')) as { sha256: string }[];
    if (first?.sha256 !== createHash('sha256').update(text).digest('hex'))
      throw new ZhongtaiError(
        'CONFLICT',
        {
          en: `Idempotency-Key "${idempotencyKey}" was used for another batch (load ${earlier.load_id}); a new batch needs a new key`,
          zh: `Idempotency-Key「${idempotencyKey}」已用于另一批数据（第 ${earlier.load_id} 次导入），新批次请使用新的键`,
        },
        { field: 'Idempotency-Key' },
      );
    const loadId = Number(earlier.load_id);
    return {
      loadId,
      loaded: Number(earlier.loaded),
      rejected: Number(earlier.rejected),
      skipped: Number(earlier.skipped),
      replayed: true,
      tables: [],
      rejects: asBatch(await listRejects(engine, { loadId, limit: 20 })),
    };
  });
}

/** Rejects name the batch, not the temporary file it was staged in. */
const asBatch = (rejects: Row[]): Row[] => rejects.map((r) => ({ ...r, file: 'batch' }));

const oneAtATime = takingTurns();

async function loadBatch(engine: Warehouse, spec: Spec, text: string, label?: string): Promise<PushResult> {
  const name = pushFileName(spec.source);
  const dir = mkdtempSync(join(tmpdir(), 'zhongtai-push-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  let result: ImportResult;
  try {
    result = await importFiles(engine, spec, [file], { recordAs: label ?? 'push' });
  } catch (error) {
    // Messages name the batch, never the temporary file it was staged in.
    throw error instanceof ZhongtaiError ? error.withText(file, 'batch') : error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    loadId: result.loadId,
    loaded: result.loaded,
    rejected: result.rejected,
    skipped: result.skipped,
    replayed: false,
    tables: [...new Set(result.targets.map((t) => t.table))],
    rejects: result.rejected ? asBatch(await listRejects(engine, { loadId: result.loadId, limit: 20 })) : [],
  };
}
