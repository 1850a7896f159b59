import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { ZhongtaiError } from '../model/index.js';
import { duckDbString, type Warehouse } from '../warehouse/index.js';
import type { FileSpec } from './spec.js';

/**
 * A source file opened for reading: `from` is a FROM clause yielding its text columns c0…cN in file order
 * with `_seq` (0 for the first row after the header). Lines the reader cannot split are set aside by
 * DuckDB and listed by `brokenLines` once a query has read the file.
 */
export interface Source {
  file: string;
  /** The file's SHA-256, computed while the engine reads the file (a second pass over gigabytes otherwise). */
  hash: Promise<string>;
  header: string[];
  /** The line (or record number) of the first data row: 2 below a CSV header, 1 for JSON lines and Parquet. */
  firstLine: number;
  /** Whether `read` honours per-column types (the CSV reader does; others deliver text). */
  readerTypes: boolean;
  /**
   * A FROM clause yielding the columns c0…cN, each as `types[i]` (VARCHAR unless the reader may type it),
   * with `_seq` (0 for the first row after the header) when `numbered`.
   */
  read: (types: string[], numbered: boolean) => string;
  rejectsTable: string;
}

export interface BrokenLine {
  line: number;
  reason: string;
  raw: string;
  /** For a value the reader could not convert: the source column (c<i>). */
  column?: string;
}

export function fileHash(path: string): Promise<string> {
  const hashing = (async () => {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  })();
  // Awaited at the end of the load; a load that fails before then must not leave it unhandled.
  hashing.catch(() => undefined);
  return hashing;
}

/** DuckDB reads UTF-8 (and Latin-1/UTF-16); Chinese exports in GBK/GB18030 are converted on the way in. */
async function utf8Copy(path: string, encoding: FileSpec['encoding']): Promise<string> {
  if (encoding === 'utf-8') return path;
  checkDeclaredEncoding(path, encoding);
  const out = join(mkdtempSync(join(tmpdir(), 'zhongtai-ingest-')), `${basename(path)}.utf8`);
  await pipeline(
    createReadStream(path),
    iconv.decodeStream(encoding),
    iconv.encodeStream('utf8'),
    createWriteStream(out),
  );
  return out;
}

/**
 * A file declared GBK that is really UTF-8 would load as plausible-looking garbage (every UTF-8 Chinese
 * character becomes one and a half GBK ones), and bytes that are not GBK at all become U+FFFD: both are
 * refused, naming the line, before anything is read. The first 256 KiB decide.
 */
function checkDeclaredEncoding(path: string, encoding: 'gbk' | 'gb18030'): void {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(262_144);
  const length = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  // Whole lines only, so a character cut at the end of the sample proves nothing.
  const end = length === buffer.length ? buffer.lastIndexOf(0x0a, length - 1) + 1 : length;
  const sample = buffer.subarray(0, end > 0 ? end : length);
  if (sample.some((b) => b >= 0x80)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(sample);
      throw refuse(
        path,
        `the spec says encoding: ${encoding}, but the file is UTF-8 text; set encoding: utf-8 for it`,
        `映射规范声明编码为 ${encoding}，但该文件是 UTF-8 文本，请将 encoding 改为 utf-8`,
      );
    } catch (error) {
      if (error instanceof ZhongtaiError) throw error;
    }
  }
  const text = iconv.decode(sample, encoding);
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) {
    const line = text.slice(0, bad).split('\n').length;
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `${path}: line ${line} holds bytes that are not ${encoding}; check the file's encoding`,
        zh: `${path}：第 ${line} 行含有不属于 ${encoding} 编码的字节，请检查文件编码`,
      },
      { file: path, row: line },
    );
  }
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

export async function openCsv(path: string, spec: FileSpec, id: string): Promise<Source> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw refuse(path, 'file not found', '文件不存在');
  }
  if (size === 0) throw refuse(path, 'the file is empty (0 bytes)', '文件为空（0 字节）');
  const hash = fileHash(path);
  const readable = await utf8Copy(path, spec.encoding);
  const header = readHeader(readable, spec);
  if (header.length === 0) throw refuse(path, 'no header line', '缺少表头行');
  const rejectsTable = `_source_rejects_${id}`;
  const options = `delim = ${duckDbString(spec.delimiter)}, quote = ${duckDbString(spec.quote)}, escape = ${duckDbString(spec.quote)}, header = false, skip = 1,
      auto_detect = false, store_rejects = true, ignore_errors = true, rejects_table = '${rejectsTable}', rejects_scan = '${rejectsTable}_scan'`;
  // Columns by position, never by header text. row_number() over the scan follows file order (DuckDB keeps
  // insertion order), so _seq + 2 is the line unless the reader set broken lines aside before it; numbering
  // costs a window over the file, so it is asked for only when a row needs its line.
  const read = (types: string[], numbered: boolean) => {
    const columns = header.map((_, i) => `'c${i}': '${types[i] ?? 'VARCHAR'}'`).join(', ');
    const scan = `read_csv(${duckDbString(readable)}, ${options}, columns = {${columns}})`;
    return numbered ? `(SELECT row_number() OVER () - 1 AS _seq, * FROM ${scan}) AS src` : `${scan} AS src`;
  };
  return { file: path, hash, header, firstLine: 2, readerTypes: true, read, rejectsTable };
}

/** The format of a file: as the spec says, else from its name. */
export function formatOf(path: string, spec: FileSpec): NonNullable<FileSpec['format']> {
  if (spec.format) return spec.format;
  const lower = path.toLowerCase();
  if (lower.endsWith('.xlsx')) return 'xlsx';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.parquet')) return 'parquet';
  return 'csv';
}

const cellText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** An Excel sheet becomes a UTF-8 CSV on the way in; rows keep their numbers (header in row 1). */
async function openXlsx(path: string, spec: FileSpec, id: string): Promise<Source> {
  const { readSheet } = await import('read-excel-file/node');
  let rows: unknown[][];
  try {
    rows = (await readSheet(path, spec.sheet ?? 1)) as unknown[][];
  } catch (error) {
    throw refuse(
      path,
      `cannot read the workbook: ${error instanceof Error ? error.message : String(error)}`,
      '无法读取该 Excel 工作簿',
    );
  }
  const out = join(mkdtempSync(join(tmpdir(), 'zhongtai-xlsx-')), `${basename(path)}.csv`);
  writeFileSync(out, `${rows.map((row) => row.map(cellText).join(',')).join('\n')}\n`);
  const source = await openCsv(
    out,
    { ...spec, format: 'csv', delimiter: ',', quote: '"', encoding: 'utf-8' },
    id,
  );
  return { ...source, file: path, hash: fileHash(path) };
}

/** JSON lines and Parquet through DuckDB's own readers; their columns renamed by position, read as text. */
async function openColumnar(
  engine: Warehouse,
  path: string,
  format: 'jsonl' | 'parquet',
  id: string,
): Promise<Source> {
  if (statSync(path).size === 0) throw refuse(path, 'the file is empty (0 bytes)', '文件为空（0 字节）');
  const scan =
    format === 'parquet'
      ? `read_parquet(${duckDbString(path)})`
      : `read_json(${duckDbString(path)}, format = 'newline_delimited')`;
  let header: string[];
  try {
    header = (await engine.write(`DESCRIBE SELECT * FROM ${scan}`)).map((r) => String(r.column_name));
  } catch (error) {
    throw refuse(
      path,
      `cannot read the file as ${format}: ${error instanceof Error ? error.message.split('\n')[0] : ''}`,
      `无法按 ${format} 格式读取`,
    );
  }
  const names = header.map((_, i) => `c${i}`);
  // JSON is read as the text it holds (the reader would otherwise re-render what looks like a date); keys
  // enter the SQL only as escaped string literals, and the columns are renamed by position.
  const asText =
    format === 'jsonl'
      ? `read_json(${duckDbString(path)}, format = 'newline_delimited', columns = {${header.map((h) => `${duckDbString(h)}: 'VARCHAR'`).join(', ')}})`
      : scan;
  const read = (_types: string[], numbered: boolean) => {
    const text = `SELECT ${names.map((n) => `CAST(${n} AS VARCHAR) AS ${n}`).join(', ')} FROM ${asText} AS t(${names.join(', ')})`;
    return numbered
      ? `(SELECT row_number() OVER () - 1 AS _seq, * FROM (${text})) AS src`
      : `(${text}) AS src`;
  };
  // No reader rejects here: a malformed JSON line or Parquet file fails the read as a whole.
  const rejectsTable = `_source_rejects_${id}`;
  return {
    file: path,
    hash: fileHash(path),
    header,
    firstLine: 1,
    readerTypes: false,
    read,
    rejectsTable,
  };
}

/** Opens a source file of any supported format. */
export async function openSource(
  engine: Warehouse,
  path: string,
  spec: FileSpec,
  id: string,
): Promise<Source> {
  const format = formatOf(path, spec);
  if (format === 'xlsx') return openXlsx(path, spec, id);
  if (format === 'jsonl' || format === 'parquet') return openColumnar(engine, path, format, id);
  return openCsv(path, spec, id);
}

/** Lines of the latest read the reader could not split (truncated, too many fields, bad bytes, bad values). */
export async function brokenLines(engine: Warehouse, source: Source): Promise<BrokenLine[]> {
  // The reader creates its reject table when it reads; JSON lines and Parquet have none.
  const [exists] = await engine.write('SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = $1', [
    source.rejectsTable,
  ]);
  if (!Number(exists?.n)) return [];
  const rows = await engine.write(
    `SELECT line, string_agg(DISTINCT error_type || ': ' || error_message, '; ') AS reason, any_value(csv_line) AS raw,
            CASE WHEN bool_and(error_type = 'CAST') THEN min(column_name) END AS "column"
     FROM ${source.rejectsTable} GROUP BY line ORDER BY line`,
  );
  return rows.map((r) => ({
    line: Number(r.line),
    reason: String(r.reason),
    raw: String(r.raw ?? ''),
    ...(r.column ? { column: String(r.column) } : {}),
  }));
}

/** Moves the lines of rows that follow broken lines down past them. */
export async function correctLines(engine: Warehouse, table: string, broken: BrokenLine[]): Promise<void> {
  if (broken.length === 0) return;
  // For each broken line: how many good rows precede it; a row is pushed down by the broken lines before it.
  await engine.run(`CREATE OR REPLACE TEMP TABLE _broken_before AS
    SELECT line - 2 - (row_number() OVER (ORDER BY line) - 1) AS good_before, row_number() OVER (ORDER BY line) AS n
    FROM (VALUES ${broken.map((b) => `(${Math.trunc(b.line)})`).join(', ')}) v(line)`);
  await engine.run(`UPDATE ${table} SET _line = ${table}._line + b.n FROM (
      SELECT t._line AS at_line, bb.n FROM ${table} t ASOF JOIN _broken_before bb ON (t._line - 2) >= bb.good_before) b
    WHERE ${table}._line = b.at_line`);
  await engine.run('DROP TABLE _broken_before');
}

/** Drops the reader's reject tables; called before each read so they hold that read's lines only. */
export async function closeSource(engine: Warehouse, source: Source): Promise<void> {
  await engine.run(`DROP TABLE IF EXISTS ${source.rejectsTable}`);
  await engine.run(`DROP TABLE IF EXISTS ${source.rejectsTable}_scan`);
}
