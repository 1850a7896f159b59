import { basename } from 'node:path';
import { type Column, tableByName, ZhongtaiError } from '../model/index.js';
import { type Cell, DUCKDB_TYPES, duckDbString } from '../warehouse/index.js';
import type { ColumnSpec, TargetSpec } from './spec.js';
import type { Source } from './stage.js';

/**
 * Compiles one target of a spec into a SELECT over the source file: each model column typed, and
 * `_reason` saying why a row cannot load (bilingual, naming the field and the value; empty when it can). Values from the
 * spec travel as parameters; source columns are referred to by position, never by their header text.
 */
export interface MappedSelect {
  sql: string;
  params: Cell[];
  columns: Column[];
  /** Source columns the CSV reader types itself (c<i> → the fields read from it and their kind). */
  readerTyped: Map<string, { fields: string[]; kind: Kind }>;
}

export type Kind = NonNullable<ColumnSpec['type']>;

const KIND_OF: Record<Column['type'], Kind> = {
  string: 'string',
  int: 'int',
  bigint: 'int',
  money: 'number',
  quantity: 'number',
  double: 'number',
  date: 'date',
  timestamp: 'timestamp',
  bool: 'bool',
};

const KEY_OF: Record<NonNullable<ColumnSpec['references']>, [string, string]> = {
  store: ['store', 'store_id'],
  product: ['product', 'sku'],
  member: ['member', 'member_id'],
  supplier: ['supplier', 'supplier_id'],
  employee: ['employee', 'employee_id'],
};

const TRUE_VALUES = ['1', 'true', 't', 'yes', 'y', '是', '对'];
const FALSE_VALUES = ['0', 'false', 'f', 'no', 'n', '否', '错'];

class Params {
  readonly values: Cell[] = [];
  add(value: Cell): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function sourceRef(source: Source, file: string, field: string, name: string): string {
  const index = source.header.indexOf(name);
  if (index < 0) {
    const hint =
      source.header.length === 1 && /[;\t|]/.test(source.header[0] ?? '') ? ' (is the delimiter right?)' : '';
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `${file}: the header has no column "${name}" (needed for ${field})${hint}; it has: ${source.header.join(', ')}`,
        zh: `${file}：表头缺少列「${name}」（${field} 需要）${hint ? '，请检查分隔符' : ''}；现有列：${source.header.join('、')}`,
      },
      { file, field },
    );
  }
  return `nullif(trim(c${index}), '')`;
}

/** In a template, the file's own name (e.g. a weather export per area: weather/NW.csv → NW). */
const FILE_PLACEHOLDER = '{$file}';
/**
 * In a template, the row's line in its file: an id for exports whose rows have none (a purchase log), the same
 * on every re-delivery of the file, so loads stay idempotent.
 */
const LINE_PLACEHOLDER = '{$line}';

const usesLine = (target: TargetSpec) =>
  Object.values(target.columns).some((spec) => spec.template?.includes(LINE_PLACEHOLDER));

/** The text a column spec reads, before typing. */
function textOf(spec: ColumnSpec, source: Source, file: string, field: string, p: Params): string {
  if (spec.from !== undefined) return sourceRef(source, file, field, spec.from);
  if (spec.value !== undefined) return `CAST(${p.add(spec.value)} AS VARCHAR)`;
  if (spec.sum !== undefined) return sumOf(spec.sum, source, file, field);
  const template = spec.template ?? '';
  const parts = template.split(/(\{[^}]+\})/).filter(Boolean);
  const piece = (part: string) => {
    if (part === FILE_PLACEHOLDER) return p.add(basename(file).replace(/\.[^.]*$/, ''));
    if (part === LINE_PLACEHOLDER) return `CAST(_seq + ${source.firstLine} AS VARCHAR)`;
    return part.startsWith('{') ? sourceRef(source, file, field, part.slice(1, -1)) : p.add(part);
  };
  return `concat(${parts.map(piece).join(', ')})`;
}

/**
 * Several source columns added up (a sale before its discounts: the amount paid plus each discount), exactly, as
 * decimals; a blank part counts 0, all blank is empty, and a part that is not a number is the text the checks see
 * (so the row is rejected naming it) rather than a sum that quietly left it out.
 */
function sumOf(columns: string[], source: Source, file: string, field: string): string {
  const parts = columns.map((name) => sourceRef(source, file, field, name));
  const asNumber = (part: string) => `TRY_CAST(${part} AS DECIMAL(38,6))`;
  const notNumber = parts.map(
    (part) => `WHEN ${part} IS NOT NULL AND ${asNumber(part)} IS NULL THEN ${part}`,
  );
  const total = parts.map((part) => `coalesce(${asNumber(part)}, 0)`).join(' + ');
  return `(CASE WHEN coalesce(${parts.join(', ')}) IS NULL THEN NULL ${notNumber.join(' ')} ELSE CAST(${total} AS VARCHAR) END)`;
}

function typed(kind: Kind, text: string, spec: ColumnSpec, p: Params, chainZone: string): string {
  switch (kind) {
    case 'string':
      return text;
    case 'int':
      // A whole number only: DuckDB would round 1.5 to 2 (the reader too, so it reads ints as doubles).
      return `(CASE WHEN TRY_CAST(${text} AS DOUBLE) = trunc(TRY_CAST(${text} AS DOUBLE)) THEN TRY_CAST(${text} AS BIGINT) END)`;
    case 'number':
      return spec.scale !== undefined
        ? `(TRY_CAST(${text} AS DOUBLE) * ${p.add(spec.scale)})`
        : `TRY_CAST(${text} AS DOUBLE)`;
    case 'date':
    case 'timestamp': {
      const formats = spec.formats ?? [];
      const parsed = formats.map((f) => `TRY_STRPTIME(${text}, ${p.add(f)})`);
      const fallback =
        kind === 'date'
          ? `TRY_CAST(TRY_CAST(${text} AS DATE) AS TIMESTAMP)`
          : `TRY_CAST(${text} AS TIMESTAMP)`;
      const parsedValue = parsed.length ? `coalesce(${parsed.join(', ')})` : fallback;
      // A source in another zone: read its wall-clock time there, keep the chain's local time.
      const value = spec.timezone
        ? `timezone(${p.add(chainZone)}, timezone(${p.add(spec.timezone)}, ${parsedValue}))`
        : parsedValue;
      return kind === 'date' ? `CAST(${value} AS DATE)` : value;
    }
    case 'bool': {
      const list = (values: string[]) => values.map((v) => p.add(v.toLowerCase())).join(', ');
      return `(CASE WHEN lower(${text}) IN (${list(spec.trueValues ?? TRUE_VALUES)}) THEN TRUE WHEN lower(${text}) IN (${list(spec.falseValues ?? FALSE_VALUES)}) THEN FALSE END)`;
    }
  }
}

interface Check {
  /** True when the row fails this check (never NULL). */
  fails: string;
  /** The bilingual message when `failed` (the column holding `fails`) is true, naming the field and the value. */
  message: (failed: string) => string;
}

const reason = (
  p: Params,
  condition: string,
  field: string,
  en: string,
  zh: string,
  shown?: string,
): Check => ({
  fails: `coalesce(${condition}, FALSE)`,
  message: (failed) =>
    `CASE WHEN ${failed} THEN ${p.add(`${field}: ${zh} / ${en}`)}${shown ? ` || ': "' || CAST(${shown} AS VARCHAR) || '"'` : ''} END`,
});

const KIND_ZH: Record<Kind, string> = {
  string: '文本',
  int: '整数',
  number: '数字',
  date: '日期',
  timestamp: '时间',
  bool: '是/否',
};

/**
 * One model column in three steps, each a projection over the one before, so every value is computed
 * once: the source text (`r`), after code mapping and default (`x`), typed (`t`); then the checks.
 */
interface CompiledColumn {
  name: string;
  raw: string;
  text: string;
  typed: (x: string) => string;
  checks: (r: string, x: string, t: string) => Check[];
  sqlType: string;
  kind: Kind;
  /** The source column this reads as it stands (no template, code table or default), if any. */
  plainSource?: number;
  /** Set when the reader types the source column: the value arrives typed and was checked by the reader. */
  readerTyped?: boolean;
}

/** A declared format the reader parses natively (ISO): such a column can still be typed by the reader. */
const ISO_FORMAT: Partial<Record<Kind, string>> = { date: '%Y-%m-%d', timestamp: '%Y-%m-%d %H:%M:%S' };

/** Types DuckDB's CSV reader converts as fast as it reads (ISO dates; no list of formats to try). */
const READER_TYPE: Partial<Record<Kind, string>> = {
  int: 'DOUBLE',
  number: 'DOUBLE',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

function compileColumn(
  column: Column,
  spec: ColumnSpec,
  source: Source,
  file: string,
  p: Params,
  chainZone: string,
): CompiledColumn {
  const field = column.name;
  const read = textOf(spec, source, file, field, p);
  const raw = spec.nullValues?.length
    ? `(CASE WHEN ${read} IN (${spec.nullValues.map((v) => p.add(v)).join(', ')}) THEN NULL ELSE ${read} END)`
    : read;
  let text = raw;
  const mapEntries = spec.map ? Object.entries(spec.map) : [];
  if (mapEntries.length) {
    const cases = mapEntries.map(
      ([from, to]) => `WHEN ${p.add(from)} THEN ${to === null ? 'NULL' : `CAST(${p.add(to)} AS VARCHAR)`}`,
    );
    text = `(CASE ${raw} ${cases.join(' ')} END)`;
  }
  if (spec.mapFile !== undefined) {
    // A code table too large to write inline, read from its CSV (a lookup DuckDB turns into a join).
    // (its columns named apart from the source's c0…cN, which the lookup refers to)
    text = `(SELECT m.code_to FROM read_csv(${duckDbString(spec.mapFile)}, header = true, auto_detect = false,
      columns = {'code_from': 'VARCHAR', 'code_to': 'VARCHAR'}) m WHERE m.code_from = ${raw})`;
  }
  if (spec.default !== undefined) text = `coalesce(${text}, CAST(${p.add(spec.default)} AS VARCHAR))`;
  const kind = spec.type ?? KIND_OF[column.type];
  const known = mapEntries.map(([from]) => p.add(from)).join(', ');
  const compiled: CompiledColumn = {
    name: field,
    raw,
    text,
    typed: (x) => typed(kind, x, spec, p, chainZone),
    checks: () => [],
    sqlType: DUCKDB_TYPES[column.type],
    kind,
  };
  const plain =
    spec.from !== undefined &&
    !mapEntries.length &&
    spec.default === undefined &&
    !spec.nullValues?.length &&
    spec.mapFile === undefined &&
    spec.scale === undefined &&
    (!spec.formats || (spec.formats.length === 1 && spec.formats[0] === ISO_FORMAT[kind])) &&
    !spec.timezone;
  if (plain && READER_TYPE[kind]) compiled.plainSource = source.header.indexOf(spec.from as string);
  compiled.checks = (r, x, t) => {
    const out: Check[] = [];
    if (spec.mapFile !== undefined)
      out.push(
        reason(
          p,
          `${r} IS NOT NULL AND ${x} IS NULL`,
          field,
          'no mapping for this code',
          '代码表中无此编码',
          r,
        ),
      );
    if (mapEntries.length)
      out.push(
        reason(
          p,
          `${r} IS NOT NULL AND ${r} NOT IN (${known})`,
          field,
          'no mapping for this code',
          '代码表中无此编码',
          r,
        ),
      );
    // A value the reader typed was converted (or rejected) by the reader itself, but for whole numbers,
    // which it reads as doubles; text needs no conversion.
    if ((!compiled.readerTyped || kind === 'int') && kind !== 'string') {
      out.push(
        reason(
          p,
          `${x} IS NOT NULL AND ${t} IS NULL`,
          field,
          `not a ${kind === 'int' ? 'whole number' : kind}`,
          `不是有效的${KIND_ZH[kind]}`,
          x,
        ),
      );
    }
    if (kind === 'string')
      out.push(
        reason(
          p,
          `${x} IS NOT NULL AND contains(CAST(${x} AS VARCHAR), chr(0))`,
          field,
          'contains a NUL character',
          '含有 NUL 字符',
        ),
      );
    // 1e308 in a money column: out of the column's range is a reject, never a failed load.
    else
      out.push(
        reason(
          p,
          `${t} IS NOT NULL AND TRY_CAST(${t} AS ${compiled.sqlType}) IS NULL`,
          field,
          `out of range for ${compiled.sqlType}`,
          `超出取值范围（${compiled.sqlType}）`,
          t,
        ),
      );
    if (spec.required || !column.nullable)
      out.push(reason(p, `${x} IS NULL`, field, 'required value missing', '必填值缺失'));
    if (spec.min !== undefined)
      out.push(
        reason(
          p,
          `${t} < ${p.add(spec.min)}`,
          field,
          `below the minimum ${spec.min}`,
          `小于下限 ${spec.min}`,
          t,
        ),
      );
    if (spec.max !== undefined)
      out.push(
        reason(
          p,
          `${t} > ${p.add(spec.max)}`,
          field,
          `above the maximum ${spec.max}`,
          `大于上限 ${spec.max}`,
          t,
        ),
      );
    if (spec.allowed) {
      const list = spec.allowed.map((a) => `CAST(${p.add(a)} AS VARCHAR)`).join(', ');
      out.push(
        reason(
          p,
          `CAST(${t} AS VARCHAR) NOT IN (${list})`,
          field,
          'not an allowed value',
          '不在允许值范围内',
          t,
        ),
      );
    }
    if (spec.references) {
      const [table, key] = KEY_OF[spec.references];
      out.push(
        reason(
          p,
          `${t} IS NOT NULL AND ${t} NOT IN (SELECT "${key}" FROM "${table}")`,
          field,
          `unknown ${spec.references}`,
          `未知的${spec.references}`,
          t,
        ),
      );
    }
    return out;
  };
  return compiled;
}

/**
 * Lets the reader type a source column when every use of it is a plain read of one typed kind; its
 * conversion failures then come back from the reader, with their lines, as rejects.
 */
function chooseReaderTypes(
  compiled: CompiledColumn[],
  source: Source,
  textUses: Set<number>,
): { types: string[]; readerTyped: MappedSelect['readerTyped'] } {
  const types = source.header.map(() => 'VARCHAR');
  const readerTyped: MappedSelect['readerTyped'] = new Map();
  const byColumn = new Map<number, CompiledColumn[]>();
  for (const c of compiled) {
    if (c.plainSource === undefined || c.plainSource < 0) continue;
    byColumn.set(c.plainSource, [...(byColumn.get(c.plainSource) ?? []), c]);
  }
  for (const [index, uses] of byColumn) {
    const kinds = new Set(uses.map((u) => u.kind));
    const [kind] = [...kinds];
    if (kinds.size !== 1 || !kind || textUses.has(index)) continue;
    types[index] = READER_TYPE[kind] as string;
    readerTyped.set(`c${index}`, { fields: uses.map((u) => u.name), kind });
    for (const use of uses) {
      use.readerTyped = true;
      use.raw = `c${index}`;
      use.text = `c${index}`;
      if (kind !== 'int') use.typed = (x) => x;
    }
  }
  return { types, readerTyped };
}

/** Source columns read as text somewhere (templates, code tables, formats, strings), which stay VARCHAR. */
function textUsesOf(specs: ColumnSpec[], compiled: CompiledColumn[], source: Source): Set<number> {
  const uses = new Set<number>();
  for (const [i, spec] of specs.entries()) {
    if (compiled[i]?.plainSource !== undefined && (compiled[i]?.plainSource ?? -1) >= 0) continue;
    if (spec.from !== undefined) uses.add(source.header.indexOf(spec.from));
    for (const part of (spec.template ?? '').match(/\{[^}]+\}/g) ?? [])
      uses.add(source.header.indexOf(part.slice(1, -1)));
    for (const name of spec.sum ?? []) uses.add(source.header.indexOf(name));
  }
  return uses;
}

/** The projections over the source for these columns, and the final row with `_reason` and `_raw`. */
function assemble(
  compiled: CompiledColumn[],
  source: Source,
  delimiter: string,
  p: Params,
  types: string[],
  numbered: boolean,
  extra = '',
): string {
  const level1 = compiled.map((c, i) => `${c.raw} AS r${i}, ${c.text} AS x${i}`).join(', ');
  const level2 = compiled.map((c, i) => `${c.typed(`x${i}`)} AS t${i}`).join(', ');
  const checks = compiled.flatMap((c, i) => c.checks(`r${i}`, `x${i}`, `t${i}`));
  const rawText = source.header.map((_, i) => `coalesce(CAST(c${i} AS VARCHAR), '')`).join(', ');
  // TRY_CAST: a value out of the column's range is a reject (checked above), not an error for the whole load.
  const values = compiled.map((c, i) => `TRY_CAST(t${i} AS ${c.sqlType}) AS "${c.name}"`).join(', ');
  // Each check is evaluated once into its own column (a reference check is a join: written twice, it
  // would be joined twice), then read by both the verdict and the message.
  const level3 = checks.length ? checks.map((c, j) => `${c.fails} AS k${j}`).join(', ') : 'FALSE AS k0';
  const failing = checks.length ? checks.map((_, j) => `k${j}`).join(' OR ') : 'k0';
  const messages = checks.length ? checks.map((c, j) => c.message(`k${j}`)).join(', ') : "''";
  return `SELECT ${numbered ? `_seq + ${source.firstLine}` : 'CAST(NULL AS BIGINT)'} AS _line${extra}, ${values}, _reason,
      CASE WHEN _reason <> '' THEN concat_ws(${p.add(delimiter)}, ${rawText}) END AS _raw
    FROM (SELECT *, CASE WHEN ${failing} THEN concat_ws('; ', ${messages}) ELSE '' END AS _reason FROM (
      SELECT *, ${level3} FROM (
        SELECT *, ${level2} FROM (
          SELECT *, ${level1} FROM ${source.read(types, numbered)}))))`;
}

/**
 * `fast`: the reader types plain columns and rows carry no line; `exact`: every column read as text, so
 * rejects quote the file as it is, and rows are numbered with their lines.
 */
export type ReadMode = 'fast' | 'exact';

export function compileTarget(
  target: TargetSpec,
  source: Source,
  delimiter: string,
  mode: ReadMode,
  chainZone = 'Asia/Shanghai',
): MappedSelect {
  const numbered = mode === 'exact' || usesLine(target);
  const table = tableByName(target.table);
  const p = new Params();
  const file = source.file;
  if (target.table === 'store_attribute' && target.attributes) {
    // Attributes are text in the model: every source column stays VARCHAR.
    const storeColumn = table.columns.find((c) => c.name === 'store_id') as Column;
    const valueColumn = table.columns.find((c) => c.name === 'value') as Column;
    const types = source.header.map(() => 'VARCHAR');
    const selects = Object.entries(target.attributes).map(([name, spec]) => {
      const store = compileColumn(
        storeColumn,
        target.columns.store_id as ColumnSpec,
        source,
        file,
        p,
        chainZone,
      );
      const value = compileColumn({ ...valueColumn, name: 'value' }, spec, source, file, p, chainZone);
      return assemble([store, value], source, delimiter, p, types, numbered, `, ${p.add(name)} AS "name"`);
    });
    return {
      sql: selects.join(' UNION ALL '),
      params: p.values,
      columns: table.columns.filter((c) => c.name !== 'load_id'),
      readerTyped: new Map(),
    };
  }
  const columns = table.columns.filter((c) => c.name in target.columns);
  const specs = columns.map((c) => target.columns[c.name] as ColumnSpec);
  const compiled = columns.map((c, i) =>
    compileColumn(c, specs[i] as ColumnSpec, source, file, p, chainZone),
  );
  const { types, readerTyped } =
    mode === 'fast' && source.readerTypes
      ? chooseReaderTypes(compiled, source, textUsesOf(specs, compiled, source))
      : { types: source.header.map(() => 'VARCHAR'), readerTyped: new Map() };
  return {
    sql: assemble(compiled, source, delimiter, p, types, numbered),
    params: p.values,
    columns,
    readerTyped,
  };
}
