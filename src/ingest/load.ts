import { basename } from 'node:path';
import { tableByName, ZhongtaiError } from '../model/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { type FileSpec, fileSpecFor, type Spec } from './spec.js';
import { closeSource, openSource } from './stage.js';
import { dropStaged, type StagedTarget, stageTarget, type TargetResult, writeTarget } from './target.js';

export type { TargetResult } from './target.js';

export interface ImportResult {
  loadId: number;
  source: string;
  targets: TargetResult[];
  loaded: number;
  rejected: number;
  skipped: number;
  seconds: number;
}

export interface ImportOptions {
  /** Fail the whole load when more than this share of rows is rejected (0..1). */
  maxRejectRate?: number;
  /** Called as each target of each file starts, and once at the end: steps done, of how many, and which. */
  progress?: (done: number, total: number, step: string) => void;
  /** What the load history records as its files (a pushed batch records its idempotency key). */
  recordAs?: string;
  /** The day master-data changes take effect (a store's new region counts from then); default: today. */
  asOf?: string;
  /** Runs inside the load's transaction, after the rows: what must land together with them (a high-water mark). */
  withinLoad?: (loadId: number) => Promise<void>;
}

interface Job {
  file: string;
  fileSpec: FileSpec;
}

interface StagedFile {
  file: string;
  hash: Promise<string>;
  targets: StagedTarget[];
}

/** Numbers this process's loads, so their staging tables (on the one writer connection) never share names. */
let imports = 0;

/** The tables a file's rows are checked against (references to stores, products, members…). */
function referencedTables(fileSpec: FileSpec): string[] {
  return fileSpec.targets.flatMap((t) =>
    [...Object.values(t.columns), ...Object.values(t.attributes ?? {})].flatMap((c) =>
      c?.references ? [c.references] : [],
    ),
  );
}

const LOAD_ORDER: Record<string, number> = {
  store: 0,
  supplier: 0,
  channel: 0,
  promotion: 0,
  campaign: 0,
  product: 1,
  member: 1,
  employee: 1,
  store_attribute: 1,
};
// Wall-clock times from the process: inside a transaction DuckDB's now() is the transaction's start.
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

async function one(engine: Warehouse, sql: string, params: (string | number)[] = []): Promise<number> {
  const [row] = await engine.write(sql, params);
  return Number(Object.values(row ?? {})[0] ?? 0);
}

/** Loads files through a spec in one transaction: all of it lands, or none of it. */
export async function importFiles(
  engine: Warehouse,
  spec: Spec,
  files: string[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  const started = Date.now();
  if (files.length === 0)
    throw new ZhongtaiError('BAD_REQUEST', { en: 'No files to import', zh: '没有要导入的文件' });
  const jobs: Job[] = files.map((file) => {
    const fileSpec = fileSpecFor(spec, file);
    if (!fileSpec) {
      throw new ZhongtaiError(
        'BAD_REQUEST',
        {
          en: `${file}: no entry of ${spec.path} matches this file name (patterns: ${spec.files.map((f) => f.match).join(', ')})`,
          zh: `${file}：映射规范中没有匹配该文件名的条目（${spec.files.map((f) => f.match).join('、')}）`,
        },
        { file },
      );
    }
    return { file, fileSpec };
  });
  // Referenced tables first (stores and suppliers, then products and members, then facts), so a file can
  // refer to rows another file of the same import brings.
  const rank = (f: FileSpec) =>
    Math.max(
      ...f.targets.map((t) => LOAD_ORDER[t.table] ?? (tableByName(t.table).kind === 'dimension' ? 1 : 2)),
    );
  jobs.sort((a, b) => rank(a.fileSpec) - rank(b.fileSpec));

  const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf))
    throw new ZhongtaiError('BAD_REQUEST', {
      en: '--as-of must be a date YYYY-MM-DD',
      zh: '--as-of 须为日期 YYYY-MM-DD',
    });
  const fileList = JSON.stringify(options.recordAs ? [options.recordAs] : jobs.map((j) => j.file));
  const importId = ++imports;
  const staged: StagedTarget[] = [];
  const steps = jobs.reduce((n, j) => n + j.fileSpec.targets.length, 0) * 2;
  let done = 0;
  const stageFile = async (i: number): Promise<StagedFile> => {
    const { file, fileSpec } = jobs[i] as Job;
    const source = await openSource(engine, file, fileSpec, `${importId}_${i}`);
    const targets: StagedTarget[] = [];
    try {
      for (const [t, target] of fileSpec.targets.entries()) {
        options.progress?.(done++, steps, `检查 / checking ${basename(file)} → ${target.table}`);
        const prefix = `_ingest_${importId}_${i}_${t}`;
        const one = await stageTarget(engine, prefix, source, fileSpec, target, spec.timezone, t === 0);
        staged.push(one);
        targets.push(one);
      }
    } finally {
      await closeSource(engine, source);
    }
    const [first] = targets;
    if (first && first.good + first.failing + first.broken.length === 0) {
      throw new ZhongtaiError(
        'BAD_REQUEST',
        { en: `${file}: no data rows below the header`, zh: `${file}：表头以下没有数据行` },
        { file },
      );
    }
    return { file, hash: source.hash, targets };
  };
  try {
    // Nothing else writes while this load runs: staged files see the data their transaction starts from.
    return await engine.hold(async () => {
      try {
        // Files are read and checked before the transaction opens, but for a file whose references point
        // at tables an earlier file of this import writes: it must see those rows, so it is staged inside.
        const early = new Map<number, StagedFile>();
        const written = new Set<string>();
        for (const [i, { fileSpec }] of jobs.entries()) {
          if (!referencedTables(fileSpec).some((t) => written.has(t))) early.set(i, await stageFile(i));
          for (const target of fileSpec.targets) written.add(target.table);
        }
        return await engine.transaction(async () => {
          // Numbered inside the transaction: loads queue behind each other, so ids never collide.
          const loadId = await one(engine, 'SELECT coalesce(max(load_id), 0) + 1 FROM ingest_load');
          await engine.run(
            `INSERT INTO ingest_load (load_id, source, spec, spec_hash, files, started_at, status) VALUES ($1, $2, $3, $4, $5, CAST($6 AS TIMESTAMP), 'running')`,
            [loadId, spec.source, spec.path, spec.hash, fileList, stamp(started)],
          );
          const results: TargetResult[] = [];
          const hashes: { file: string; sha256: string }[] = [];
          for (const i of jobs.keys()) {
            const file = early.get(i) ?? (await stageFile(i));
            for (const target of file.targets) {
              options.progress?.(
                done++,
                steps,
                `写入 / writing ${basename(file.file)} → ${target.table.name}`,
              );
              results.push(await writeTarget(engine, loadId, target, asOf));
            }
            hashes.push({ file: file.file, sha256: await file.hash });
          }
          options.progress?.(steps, steps, 'done');
          const total = (k: 'loaded' | 'rejected' | 'skipped' | 'read') =>
            results.reduce((s, t) => s + t[k], 0);
          const rate = total('rejected') / Math.max(1, total('read'));
          if (options.maxRejectRate !== undefined && rate > options.maxRejectRate) {
            throw new ZhongtaiError('BAD_REQUEST', {
              en: `${(rate * 100).toFixed(2)}% of rows were rejected, above --max-reject-rate ${(options.maxRejectRate * 100).toFixed(2)}%: nothing was loaded`,
              zh: `拒收比例 ${(rate * 100).toFixed(2)}% 超过上限 ${(options.maxRejectRate * 100).toFixed(2)}%，本次未导入任何数据`,
            });
          }
          await options.withinLoad?.(loadId);
          await engine.run(
            `UPDATE ingest_load SET status = 'ok', finished_at = CAST($6 AS TIMESTAMP), loaded = $2, rejected = $3, skipped = $4, file_hashes = $5 WHERE load_id = $1`,
            [
              loadId,
              total('loaded'),
              total('rejected'),
              total('skipped'),
              JSON.stringify(hashes),
              stamp(Date.now()),
            ],
          );
          return {
            loadId,
            source: spec.source,
            targets: results,
            loaded: total('loaded'),
            rejected: total('rejected'),
            skipped: total('skipped'),
            seconds: (Date.now() - started) / 1000,
          };
        });
      } finally {
        for (const target of staged) await dropStaged(engine, target);
      }
    });
  } catch (error) {
    // The data rolled back; the attempt itself is kept, so `zhongtai loads` shows what failed and why.
    const message = error instanceof Error ? error.message : String(error);
    await engine.run(
      `INSERT INTO ingest_load (load_id, source, spec, spec_hash, files, started_at, finished_at, status, message)
       SELECT coalesce(max(load_id), 0) + 1, $1, $2, $3, $4, CAST($5 AS TIMESTAMP), CAST($6 AS TIMESTAMP), 'failed', $7 FROM ingest_load`,
      [
        spec.source,
        spec.path,
        spec.hash,
        fileList,
        stamp(started),
        stamp(Date.now()),
        message.slice(0, 2000),
      ],
    );
    throw error;
  }
}
