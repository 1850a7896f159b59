import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZhongtaiError } from '../model/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { importFiles } from './load.js';
import { recordSourceState } from './source-state.js';
import { type PullSpec, type Spec, sectionOf } from './spec.js';

export interface PullResult {
  source: string;
  batches: number;
  read: number;
  loaded: number;
  rejected: number;
  skipped: number;
  watermark: string | null;
}

type SourceRow = Record<string, unknown>;

/** `${NAME}` in a URL comes from the environment, so passwords stay out of spec files. */
export function resolveUrl(url: string, env: NodeJS.ProcessEnv = process.env): string {
  return url.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) {
      throw new ZhongtaiError('BAD_REQUEST', {
        en: `Environment variable ${name} (used in the pull URL) is not set`,
        zh: `拉取地址中使用的环境变量 ${name} 未设置`,
      });
    }
    return value;
  });
}

/** Values as the spec's readers expect text: timestamps without a zone (UTC), numbers as digits. */
function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return undefined;
  return value;
}

/** Marks compare as numbers when both are numbers, else as text (ISO timestamps sort as text). */
const NUMBER = /^-?\d+(\.\d+)?$/;
const isLater = (a: string, b: string) => (NUMBER.test(a) && NUMBER.test(b) ? Number(a) > Number(b) : a > b);

interface Reader {
  fetch(watermark: string): Promise<SourceRow[]>;
  close(): Promise<void>;
}

/** Rows at or past the mark, oldest first: rows sharing the last mark are read again and skipped by key. */
async function openReader(pull: PullSpec): Promise<Reader> {
  const url = resolveUrl(pull.url);
  const quote = (name: string, q: string) =>
    name
      .split('.')
      .map((part) => `${q}${part}${q}`)
      .join('.');
  // Each driver loads when its source is pulled, not with every command.
  if (pull.from === 'postgres') {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const sql =
      pull.query ??
      `SELECT * FROM ${quote(pull.table as string, '"')} WHERE "${pull.watermark}" >= $1 ORDER BY "${pull.watermark}" LIMIT ${pull.batch}`;
    return {
      fetch: async (mark) => (await client.query(sql, [mark])).rows as SourceRow[],
      close: () => client.end(),
    };
  }
  const { default: mysql } = await import('mysql2/promise');
  const connection = await mysql.createConnection({
    uri: url,
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const sql =
    pull.query ??
    `SELECT * FROM ${quote(pull.table as string, '`')} WHERE \`${pull.watermark}\` >= ? ORDER BY \`${pull.watermark}\` LIMIT ${pull.batch}`;
  return {
    fetch: async (mark) => (await connection.query(sql, [mark]))[0] as SourceRow[],
    close: () => connection.end(),
  };
}

/**
 * Pulls what changed since the last good run, in batches, each loaded through the spec in one transaction
 * together with its new high-water mark: a run that fails leaves the mark where the last good batch put it.
 */
export async function pull(engine: Warehouse, spec: Spec): Promise<PullResult> {
  const config = sectionOf(spec, 'pull');
  const [state] = await engine.write('SELECT watermark FROM ingest_source_state WHERE source = $1', [
    spec.source,
  ]);
  let mark =
    state?.watermark === null || state?.watermark === undefined
      ? String(config.initial)
      : String(state.watermark);
  const result: PullResult = {
    source: spec.source,
    batches: 0,
    read: 0,
    loaded: 0,
    rejected: 0,
    skipped: 0,
    watermark: mark,
  };
  let reader: Reader | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'zhongtai-pull-'));
  try {
    reader = await openReader(config);
    for (;;) {
      const rows = await reader.fetch(mark);
      const last = rows.at(-1)?.[config.watermark];
      if (rows.length === 0 || last === undefined || last === null) break;
      const next = String(plain(last));
      if (!isLater(next, mark)) {
        if (rows.length >= config.batch) {
          throw new ZhongtaiError('BAD_REQUEST', {
            en: `More than ${config.batch} rows share the high-water mark ${mark}; raise pull.batch`,
            zh: `超过 ${config.batch} 行具有相同的高水位值 ${mark}，请调大 pull.batch`,
          });
        }
        break; // only rows already loaded at the last mark: nothing new
      }
      const file = join(dir, config.as);
      writeFileSync(
        file,
        `${rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])))).join('\n')}\n`,
      );
      const loaded = await importFiles(engine, spec, [file], {
        recordAs: `pull:${mark}..${next}`,
        withinLoad: () =>
          recordSourceState(engine, spec.source, config.from, { watermark: next, rows: rows.length }),
      });
      result.batches++;
      result.read += rows.length;
      result.loaded += loaded.loaded;
      result.rejected += loaded.rejected;
      result.skipped += loaded.skipped;
      mark = next;
      result.watermark = mark;
      if (rows.length < config.batch) break;
    }
    // A good run, even with nothing new, clears the last error.
    await recordSourceState(engine, spec.source, config.from, {});
    return result;
  } catch (error) {
    await recordSourceState(engine, spec.source, config.from, {
      error: error instanceof Error ? error.message.slice(0, 1000) : String(error),
    });
    throw error;
  } finally {
    await reader?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
