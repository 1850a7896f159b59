import { type Column, tableByName, ZhongtaiError } from '../model/index.js';
import type { Cell } from '../warehouse/index.js';
import type { ColumnSpec, TargetSpec } from './spec.js';
import type { Staged } from './stage.js';

/**
 * Compiles one target of a spec into a SELECT over the staged text: each model column typed, and
 * `_reasons` listing why a row cannot load (bilingual, naming the field and the value). Values from the
 * spec travel as parameters; source columns are referred to by position, never by their header text.
 */
export interface MappedSelect {
  sql: string;
  params: Cell[];
  columns: Column[];
}

type Kind = NonNullable<ColumnSpec['type']>;

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

const SQL_TYPE: Record<Column['type'], string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  money: 'DECIMAL(18,2)',
  quantity: 'DECIMAL(12,3)',
  double: 'DOUBLE',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  bool: 'BOOLEAN',
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

function sourceRef(staged: Staged, file: string, field: string, name: string): string {
  const index = staged.header.indexOf(name);
  if (index < 0) {
    const hint =
      staged.header.length === 1 && /[;\t|]/.test(staged.header[0] ?? '') ? ' (is the delimiter right?)' : '';
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `${file}: the header has no column "${name}" (needed for ${field})${hint}; it has: ${staged.header.join(', ')}`,
        zh: `${file}：表头缺少列「${name}」（${field} 需要）${hint ? '，请检查分隔符' : ''}；现有列：${staged.header.join('、')}`,
      },
      { file, field },
    );
  }
  return `nullif(trim(c${index}), '')`;
}

/** The text a column spec reads, before typing. */
function textOf(spec: ColumnSpec, staged: Staged, file: string, field: string, p: Params): string {
  if (spec.from !== undefined) return sourceRef(staged, file, field, spec.from);
  if (spec.value !== undefined) return `CAST(${p.add(spec.value)} AS VARCHAR)`;
  const template = spec.template ?? '';
  const parts = template.split(/(\{[^}]+\})/).filter(Boolean);
  return `concat(${parts.map((part) => (part.startsWith('{') ? sourceRef(staged, file, field, part.slice(1, -1)) : p.add(part))).join(', ')})`;
}

function typed(kind: Kind, text: string, spec: ColumnSpec, p: Params): string {
  switch (kind) {
    case 'string':
      return text;
    case 'int':
      return `TRY_CAST(${text} AS BIGINT)`;
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
      const value = parsed.length ? `coalesce(${parsed.join(', ')})` : fallback;
      return kind === 'date' ? `CAST(${value} AS DATE)` : value;
    }
    case 'bool': {
      const list = (values: string[]) => values.map((v) => p.add(v.toLowerCase())).join(', ');
      return `(CASE WHEN lower(${text}) IN (${list(spec.trueValues ?? TRUE_VALUES)}) THEN TRUE WHEN lower(${text}) IN (${list(spec.falseValues ?? FALSE_VALUES)}) THEN FALSE END)`;
    }
  }
}

const reason = (p: Params, condition: string, field: string, en: string, zh: string, shown?: string) =>
  `CASE WHEN ${condition} THEN ${p.add(`${field}: ${zh} / ${en}`)}${shown ? ` || ': "' || CAST(${shown} AS VARCHAR) || '"'` : ''} END`;

/** One model column: its typed value, and the checks that can reject the row. */
function compileColumn(
  column: Column,
  spec: ColumnSpec,
  staged: Staged,
  file: string,
  p: Params,
): { value: string; reasons: string[] } {
  const field = column.name;
  const text = textOf(spec, staged, file, field, p);
  const reasons: string[] = [];
  let mapped = text;
  if (spec.map) {
    const entries = Object.entries(spec.map);
    const cases = entries.map(
      ([from, to]) => `WHEN ${p.add(from)} THEN ${to === null ? 'NULL' : `CAST(${p.add(to)} AS VARCHAR)`}`,
    );
    mapped = `(CASE ${text} ${cases.join(' ')} END)`;
    const known = entries.map(([from]) => p.add(from)).join(', ');
    reasons.push(
      reason(
        p,
        `${text} IS NOT NULL AND ${text} NOT IN (${known})`,
        field,
        'no mapping for this code',
        '代码表中无此编码',
        text,
      ),
    );
  }
  const withDefault =
    spec.default !== undefined ? `coalesce(${mapped}, CAST(${p.add(spec.default)} AS VARCHAR))` : mapped;
  const kind = spec.type ?? KIND_OF[column.type];
  const value = typed(kind, withDefault, spec, p);
  const kindZh: Record<Kind, string> = {
    string: '文本',
    int: '整数',
    number: '数字',
    date: '日期',
    timestamp: '时间',
    bool: '是/否',
  };
  reasons.push(
    reason(
      p,
      `${withDefault} IS NOT NULL AND ${value} IS NULL`,
      field,
      `not a ${kind === 'int' ? 'whole number' : kind}`,
      `不是有效的${kindZh[kind]}`,
      withDefault,
    ),
  );
  if (spec.required || !column.nullable)
    reasons.push(reason(p, `${withDefault} IS NULL`, field, 'required value missing', '必填值缺失'));
  if (spec.min !== undefined)
    reasons.push(
      reason(
        p,
        `${value} < ${p.add(spec.min)}`,
        field,
        `below the minimum ${spec.min}`,
        `小于下限 ${spec.min}`,
        value,
      ),
    );
  if (spec.max !== undefined)
    reasons.push(
      reason(
        p,
        `${value} > ${p.add(spec.max)}`,
        field,
        `above the maximum ${spec.max}`,
        `大于上限 ${spec.max}`,
        value,
      ),
    );
  if (spec.allowed) {
    const list = spec.allowed.map((a) => `CAST(${p.add(a)} AS VARCHAR)`).join(', ');
    reasons.push(
      reason(
        p,
        `CAST(${value} AS VARCHAR) NOT IN (${list})`,
        field,
        'not an allowed value',
        '不在允许值范围内',
        value,
      ),
    );
  }
  if (spec.references) {
    const [table, key] = KEY_OF[spec.references];
    reasons.push(
      reason(
        p,
        `${value} IS NOT NULL AND ${value} NOT IN (SELECT "${key}" FROM "${table}")`,
        field,
        `unknown ${spec.references}`,
        `未知的${spec.references}`,
        value,
      ),
    );
  }
  return { value: `CAST(${value} AS ${SQL_TYPE[column.type]})`, reasons };
}

export function compileTarget(target: TargetSpec, staged: Staged, file: string): MappedSelect {
  const table = tableByName(target.table);
  const p = new Params();
  if (target.table === 'store_attribute' && target.attributes) {
    const storeColumn = table.columns.find((c) => c.name === 'store_id') as Column;
    const valueColumn = table.columns.find((c) => c.name === 'value') as Column;
    const store = compileColumn(storeColumn, target.columns.store_id as ColumnSpec, staged, file, p);
    const selects = Object.entries(target.attributes).map(([name, spec]) => {
      const value = compileColumn({ ...valueColumn, name }, spec, staged, file, p);
      return `SELECT _line, ${store.value} AS store_id, ${p.add(name)} AS name, ${value.value} AS value,
        list_filter([${[...store.reasons, ...value.reasons].join(', ')}], r -> r IS NOT NULL) AS _reasons FROM ${staged.table}`;
    });
    return {
      sql: selects.join(' UNION ALL '),
      params: p.values,
      columns: table.columns.filter((c) => c.name !== 'load_id'),
    };
  }
  const columns = table.columns.filter((c) => c.name in target.columns);
  const compiled = columns.map((c) => ({
    column: c,
    ...compileColumn(c, target.columns[c.name] as ColumnSpec, staged, file, p),
  }));
  const select = compiled.map((c) => `${c.value} AS "${c.column.name}"`).join(', ');
  const reasons = compiled.flatMap((c) => c.reasons);
  return {
    sql: `SELECT _line, ${select}, list_filter([${reasons.join(', ')}], r -> r IS NOT NULL) AS _reasons FROM ${staged.table}`,
    params: p.values,
    columns,
  };
}
