import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { z } from 'zod';
import { TABLES, tableByName, ZhongtaiError } from '../model/index.js';

/**
 * A mapping spec: how one source system's files become rows of the retail model. It is data, checked
 * here once; nothing in it is ever pasted into SQL (names are resolved against the model, values bound).
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const zone = z.string().refine((name) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}, 'not a time zone name, e.g. Asia/Shanghai or UTC');

export const columnSpecSchema = z
  .object({
    from: z.string().min(1).optional().describe('source column (header name)'),
    value: scalar.optional().describe('a constant'),
    template: z
      .string()
      .optional()
      .describe(
        'text with {Column} placeholders, e.g. "Rossmann {Store}"; {$file}: the file name without folder and extension; {$line}: the row\'s line in its file',
      ),
    sum: z
      .array(z.string().min(1))
      .min(2)
      .optional()
      .describe('source columns added up exactly, e.g. the amount paid and its discounts; blanks count 0'),
    type: z.enum(['string', 'int', 'number', 'date', 'timestamp', 'bool']).optional(),
    formats: z
      .array(z.string())
      .min(1)
      .optional()
      .describe('strptime formats tried in order, e.g. %Y-%m-%d, %d/%m/%Y'),
    timezone: zone
      .optional()
      .describe("the zone the source's timestamps are in (e.g. UTC); converted to the chain's local time"),
    trueValues: z.array(z.string()).optional(),
    falseValues: z.array(z.string()).optional(),
    map: z
      .record(z.string(), scalar.nullable())
      .optional()
      .describe('code table: source value → model value (null: empty); unmapped values are rejected'),
    mapFile: z
      .string()
      .optional()
      .describe('code table in a CSV beside the spec: first column source code, second model value'),
    nullValues: z
      .array(z.string())
      .optional()
      .describe('source values that mean empty, e.g. NA, -, 无 (read as if the cell were blank)'),
    default: scalar.optional().describe('used when the source is empty'),
    scale: z.number().optional().describe('multiply numbers, e.g. 0.01 for cents'),
    required: z.boolean().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    allowed: z.array(scalar).optional(),
    references: z.enum(['store', 'product', 'member', 'supplier', 'employee']).optional(),
  })
  .strict();

export const targetSpecSchema = z
  .object({
    table: z.string(),
    key: z.array(z.string()).min(1).optional(),
    columns: z.record(z.string(), columnSpecSchema),
    /** For store_attribute: attribute name → how to read its value. */
    attributes: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), columnSpecSchema).optional(),
    onConflict: z.enum(['skip', 'update']).optional(),
    replace: z
      .array(z.string())
      .min(1)
      .optional()
      .describe('a re-delivery replaces existing rows with these values'),
  })
  .strict();

export const fileSpecSchema = z
  .object({
    match: z
      .string()
      .min(1)
      .describe('file name pattern, * and ? allowed; with a /, the end of the path (e.g. weather/*.csv)'),
    format: z.enum(['csv', 'xlsx', 'jsonl', 'parquet']).optional().describe('default: from the file name'),
    sheet: z
      .union([z.string(), z.number().int().min(1)])
      .optional()
      .describe('xlsx: sheet name or number (default: the first)'),
    delimiter: z.string().min(1).max(1).default(','),
    quote: z.string().max(1).default('"'),
    encoding: z.enum(['utf-8', 'gbk', 'gb18030']).default('utf-8'),
    targets: z.array(targetSpecSchema).min(1),
  })
  .strict();

/** A database to pull from on each run, taking only rows past the last high-water mark. */
export const pullSpecSchema = z
  .object({
    from: z.enum(['postgres', 'mysql']),
    url: z
      .string()
      .min(1)
      .describe('connection URL; ${NAME} takes it from the environment, so secrets stay out of the spec'),
    table: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'a table name (schema.table allowed)')
      .optional(),
    query: z
      .string()
      .optional()
      .describe("the source's own SQL; its one parameter is the last high-water mark"),
    watermark: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a column name'),
    initial: z.union([z.string(), z.number()]).default('1970-01-01'),
    batch: z.number().int().min(1).max(1_000_000).default(50_000),
    as: z.string().min(1).describe('file name the rows load under; a files entry must match it'),
  })
  .strict()
  .refine((p) => (p.table === undefined) !== (p.query === undefined), 'give exactly one of table or query');

/** A message stream to subscribe to; messages are JSON objects, loaded in batches. */
export const subscribeSpecSchema = z
  .object({
    from: z.enum(['mqtt', 'nats']),
    url: z.string().min(1),
    topic: z.string().min(1).describe('mqtt: topic filter (+ and # allowed); nats: subject'),
    stream: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional()
      .describe('nats: the JetStream stream'),
    durable: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional()
      .describe('nats: durable consumer name (default zhongtai-<source>)'),
    as: z.string().min(1).describe('file name the messages load under; a files entry must match it'),
    batch: z.number().int().min(1).max(100_000).default(500),
    flushMs: z.number().int().min(10).max(60_000).default(500),
  })
  .strict();

export const specSchema = z
  .object({
    source: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a short lower-case name, e.g. pos or rossmann'),
    description: z.string().optional(),
    /** The chain's local time, which timestamps in the warehouse are kept in. */
    timezone: zone.default('Asia/Shanghai'),
    files: z.array(fileSpecSchema).min(1),
    pull: pullSpecSchema.optional(),
    subscribe: subscribeSpecSchema.optional(),
  })
  .strict();

export type ColumnSpec = z.output<typeof columnSpecSchema>;
export type TargetSpec = z.output<typeof targetSpecSchema>;
export type FileSpec = z.output<typeof fileSpecSchema>;
export type PullSpec = z.output<typeof pullSpecSchema>;
export type SubscribeSpec = z.output<typeof subscribeSpecSchema>;
export type Spec = z.output<typeof specSchema> & { path: string; hash: string };

const LOADABLE = TABLES.filter((t) => t.name !== 'calendar').map((t) => t.name);

const specError = (file: string, field: string, line: number | undefined, en: string, zh: string) =>
  new ZhongtaiError(
    'BAD_REQUEST',
    {
      en: `${file}${line ? `:${line}` : ''}: ${field}: ${en}`,
      zh: `${file}${line ? `:${line}` : ''}：${field}：${zh}`,
    },
    {
      file,
      field,
      ...(line ? { row: line } : {}),
    },
  );

/** Checks what zod cannot: tables and columns exist in the model, every required column is fed. */
function checkAgainstModel(
  spec: z.output<typeof specSchema>,
  fail: (path: (string | number)[], en: string, zh: string) => never,
) {
  spec.files.forEach((file, f) => {
    file.targets.forEach((target, t) => {
      const at = (...rest: (string | number)[]) => ['files', f, 'targets', t, ...rest];
      if (!LOADABLE.includes(target.table))
        fail(
          at('table'),
          `unknown table "${target.table}"; one of ${LOADABLE.join(', ')}`,
          `未知目标表「${target.table}」`,
        );
      const table = tableByName(target.table);
      const names = table.columns.map((c) => c.name);
      for (const column of Object.keys(target.columns)) {
        if (!names.includes(column) || column === 'load_id')
          fail(
            at('columns', column),
            `${target.table} has no column "${column}"`,
            `${target.table} 没有字段「${column}」`,
          );
        const col = target.columns[column];
        const sources = [col?.from, col?.value, col?.template, col?.sum].filter(
          (x) => x !== undefined,
        ).length;
        if (sources !== 1)
          fail(
            at('columns', column),
            'give exactly one of from, value, template or sum',
            'from、value、template、sum 须且只能给一个',
          );
      }
      const fed = new Set(Object.keys(target.columns));
      if (target.table === 'store_attribute') {
        if (!target.attributes || !fed.has('store_id'))
          fail(
            at('attributes'),
            'store_attribute needs columns.store_id and attributes',
            'store_attribute 需要 columns.store_id 与 attributes',
          );
        fed.add('name');
        fed.add('value');
      }
      const missing = table.columns
        .filter((c) => !c.nullable && c.name !== 'load_id' && !fed.has(c.name))
        .map((c) => c.name);
      if (missing.length)
        fail(
          at('columns'),
          `${target.table} needs ${missing.join(', ')}`,
          `${target.table} 缺少必填字段 ${missing.join('、')}`,
        );
      for (const k of [...(target.key ?? []), ...(target.replace ?? [])]) {
        if (!fed.has(k))
          fail(
            at('key'),
            `"${k}" is not among the columns this target maps`,
            `「${k}」不在该目标映射的字段中`,
          );
      }
    });
  });
}

/** Reads and checks a spec file; a mistake is reported with its line in the YAML. */
/** A spec written in code (a built-in source such as the member center's relay), checked like a file's. */
export function specOf(name: string, value: unknown): Spec {
  return { ...specSchema.parse(value), path: `(built in: ${name})`, hash: name };
}

export function loadSpec(path: string): Spec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw specError(path, 'spec', undefined, 'cannot read the spec file', '无法读取映射规范文件');
  }
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const first = doc.errors[0];
    throw specError(
      path,
      'yaml',
      first?.linePos?.[0]?.line,
      first?.message ?? 'invalid YAML',
      `YAML 格式错误：${first?.message ?? ''}`,
    );
  }
  const lineOf = (pathParts: (string | number)[]): number | undefined => {
    for (let n = pathParts.length; n > 0; n--) {
      const node = doc.getIn(pathParts.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && (isMap(node) || isSeq(node) || node.range)) {
        const offset = node.range?.[0];
        return offset === undefined ? undefined : text.slice(0, offset).split('\n').length;
      }
    }
    return undefined;
  };
  const fail = (pathParts: (string | number)[], en: string, zh: string): never => {
    throw specError(path, pathParts.join('.'), lineOf(pathParts), en, zh);
  };
  const parsed = specSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = (issue?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
    fail(where, issue?.message ?? 'invalid', `不合法：${issue?.message ?? ''}`);
  }
  const spec = parsed.data as z.output<typeof specSchema>;
  checkAgainstModel(spec, fail);
  // Code tables live beside the spec; their paths become absolute here, and must exist.
  for (const [f, file] of spec.files.entries()) {
    for (const [t, target] of file.targets.entries()) {
      for (const [name, column] of [
        ...Object.entries(target.columns),
        ...Object.entries(target.attributes ?? {}),
      ]) {
        if (column.mapFile === undefined) continue;
        const at = ['files', f, 'targets', t, 'columns', name];
        if (column.map) fail(at, 'give map or mapFile, not both', 'map 与 mapFile 只能给一个');
        column.mapFile = resolve(dirname(path), column.mapFile);
        if (!existsSync(column.mapFile))
          fail([...at, 'mapFile'], `no code table at ${column.mapFile}`, `找不到代码表 ${column.mapFile}`);
      }
    }
  }
  for (const section of ['pull', 'subscribe'] as const) {
    const as = spec[section]?.as;
    if (as !== undefined && !fileSpecFor({ ...spec, path, hash: '' }, as)) {
      fail([section, 'as'], `no files entry matches "${as}"`, `没有与「${as}」匹配的 files 条目`);
    }
  }
  return { ...spec, path, hash: createHash('sha256').update(text).digest('hex').slice(0, 16) };
}

/**
 * The spec entry a file belongs to, by its name; the first entry that matches. A pattern with a / matches
 * the end of the path (weather/*.csv: the CSV files in a folder named weather).
 */
export function fileSpecFor(spec: Spec, fileName: string): FileSpec | undefined {
  const parts = fileName.split(/[\\/]/);
  return spec.files.find((f) => {
    const depth = f.match.split('/').length;
    return new RegExp(
      `^${f.match
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')}$`,
      'i',
    ).test(parts.slice(-depth).join('/'));
  });
}

/** The spec's pull or subscribe section, or a clear error when it has none. */
export function sectionOf<K extends 'pull' | 'subscribe'>(spec: Spec, key: K): NonNullable<Spec[K]> {
  const section = spec[key];
  if (!section) {
    throw new ZhongtaiError('BAD_REQUEST', {
      en: `The spec of ${spec.source} has no ${key} section`,
      zh: `数据源 ${spec.source} 的映射规范没有 ${key} 配置`,
    });
  }
  return section as NonNullable<Spec[K]>;
}
