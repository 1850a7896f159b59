import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  readSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { ZhongtaiError } from '../model/index.js';
import type { DuckDbEngine } from '../warehouse/index.js';
import type { FileSpec } from './spec.js';

/** A source file read into a temp table of text columns c0…cN, with `_line` its line in the file. */
export interface Staged {
  file: string;
  hash: string;
  table: string;
  header: string[];
  rows: number;
  /** Lines the reader could not split into the header's columns (truncated, too many fields, bad bytes). */
  broken: { line: number; reason: string; raw: string }[];
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** DuckDB reads UTF-8 (and Latin-1/UTF-16); Chinese exports in GBK/GB18030 are converted on the way in. */
async function utf8Copy(path: string, encoding: FileSpec['encoding']): Promise<string> {
  if (encoding === 'utf-8') return path;
  const out = join(mkdtempSync(join(tmpdir(), 'zhongtai-ingest-')), `${basename(path)}.utf8`);
  await pipeline(
    createReadStream(path),
    iconv.decodeStream(encoding),
    iconv.encodeStream('utf8'),
    createWriteStream(out),
  );
  return out;
}

/** The first record of the file, split on the delimiter outside quotes (the header may hold quoted commas). */
export function readHeader(path: string, spec: FileSpec): string[] {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(65_536);
  const length = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const text = buffer
    .subarray(0, length)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === spec.quote && text[i + 1] === spec.quote) {
        field += ch;
        i++;
      } else if (ch === spec.quote) quoted = false;
      else field += ch;
    } else if (ch === spec.quote) quoted = true;
    else if (ch === spec.delimiter) {
      fields.push(field.trim());
      field = '';
    } else if (ch === '\n' || ch === '\r') break;
    else field += ch;
  }
  fields.push(field.trim());
  return fields.length === 1 && fields[0] === '' ? [] : fields;
}

const refuse = (file: string, en: string, zh: string) =>
  new ZhongtaiError('BAD_REQUEST', { en: `${file}: ${en}`, zh: `${file}：${zh}` }, { file });

export async function stageCsv(
  engine: DuckDbEngine,
  path: string,
  spec: FileSpec,
  id: number,
): Promise<Staged> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw refuse(path, 'file not found', '文件不存在');
  }
  if (size === 0) throw refuse(path, 'the file is empty (0 bytes)', '文件为空（0 字节）');
  const hash = await fileHash(path);
  const readable = await utf8Copy(path, spec.encoding);
  const options = `delim = ${literal(spec.delimiter)}, quote = ${literal(spec.quote)}, escape = ${literal(spec.quote)}`;
  const header = readHeader(readable, spec);
  if (header.length === 0) throw refuse(path, 'no header line', '缺少表头行');
  const table = `_stage_${id}`;
  const rejects = `_stage_rejects_${id}`;
  const columns = header.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  await engine.run(
    `CREATE OR REPLACE TEMP TABLE ${table}_raw AS SELECT * FROM read_csv(${literal(readable)}, ${options}, header = false, skip = 1,
       columns = {${columns}}, auto_detect = false, store_rejects = true, ignore_errors = true,
       rejects_table = '${rejects}', rejects_scan = '${rejects}_scan')`,
  );
  const brokenRows = await engine.write(
    `SELECT line, string_agg(DISTINCT error_type || ': ' || error_message, '; ') AS reason, any_value(csv_line) AS raw
     FROM ${rejects} GROUP BY line ORDER BY line`,
  );
  const broken = brokenRows.map((r) => ({
    line: Number(r.line),
    reason: String(r.reason),
    raw: String(r.raw ?? ''),
  }));
  // Rows keep file order (DuckDB preserves insertion order), so a row's line is its position after the
  // header plus the broken lines the reader set aside before it.
  await engine.run(`CREATE OR REPLACE TEMP TABLE ${table}_broken AS
    SELECT line - 2 - (row_number() OVER (ORDER BY line) - 1) AS good_before FROM ${rejects} GROUP BY line`);
  // Row ids count from the first row (inside a transaction DuckDB numbers new rows from 2^55).
  await engine.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
    WITH numbered AS (SELECT s.rowid - (SELECT min(rowid) FROM ${table}_raw) AS _seq, s.* FROM ${table}_raw s)
    SELECT _seq + 2 + (SELECT count(*) FROM ${table}_broken b WHERE b.good_before <= _seq) AS _line, * EXCLUDE (_seq)
    FROM numbered`);
  const [count] = await engine.write(`SELECT count(*) AS n FROM ${table}`);
  await engine.run(`DROP TABLE ${table}_raw`);
  await engine.run(`DROP TABLE ${table}_broken`);
  await engine.run(`DROP TABLE ${rejects}`);
  await engine.run(`DROP TABLE ${rejects}_scan`);
  return { file: path, hash, table, header, rows: Number(count?.n ?? 0), broken };
}
