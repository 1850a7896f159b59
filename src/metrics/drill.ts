import { ALL_DATA, type DataScope, ZhongtaiError } from '../model/index.js';
import { bin, col, type Engine, type Expr, param, type Row } from '../warehouse/index.js';
import { type DimensionDef, factById, factSupports, findDimension, type Label } from './catalog/index.js';
import { dimensionExpr, filterExpr, joinsFor } from './compiler/dimension-sql.js';
import { checkRange } from './compiler/time.js';
import { drillRequestSchema } from './query.js';
import { resolveScope, storeCondition, supplierCondition } from './scope.js';

const DIMENSION_COLUMNS = ['store', 'channel', 'sku', 'category_l1', 'member_tier'];
const f = (name: string) => col(name, 'f');
const VALUE_COLUMNS: { id: string; label: Label; expr: Expr }[] = [
  { id: 'qty', label: { zh: '数量', en: 'Quantity' }, expr: f('qty') },
  { id: 'net', label: { zh: '实收', en: 'Net' }, expr: f('net') },
  { id: 'gross_profit', label: { zh: '毛利', en: 'Gross profit' }, expr: bin('-', f('net'), f('cost')) },
];

export interface DrillResult {
  columns: { id: string; label: Label }[];
  rows: Row[];
  /** More lines match than were returned. */
  truncated: boolean;
}

/** The newest sales lines matching the filters in the range, with the names people read. */
export async function drillRows(
  engine: Engine,
  input: unknown,
  grants: DataScope = ALL_DATA,
): Promise<DrillResult> {
  const parsed = drillRequestSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(body)';
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `Invalid drill-through at ${field}: ${issue?.message}`,
        zh: `明细查询参数 ${field} 无效：${issue?.message}`,
      },
      { field },
    );
  }
  const { filters, timeRange, limit } = parsed.data;
  checkRange(timeRange);
  const fact = factById('sales_line');
  const shown = DIMENSION_COLUMNS.map((id) => findDimension(id) as DimensionDef);
  const filtered = filters.map((filter, i) => {
    const def = findDimension(filter.dimension);
    if (!def || !factSupports(fact, def.group))
      throw new ZhongtaiError(
        'BAD_FILTER',
        {
          en: `Sales lines cannot be filtered by "${filter.dimension}"`,
          zh: `销售明细不能按「${filter.dimension}」筛选`,
        },
        { field: `filters.${i}.dimension` },
      );
    return { def, filter };
  });
  // Row-level security: the same stores and suppliers as every other read (sku is shown, so product is joined).
  const scope = await resolveScope(engine, grants);
  const inScope = [storeCondition(scope, col('store_id', 'f')), supplierCondition(scope)].filter(
    (e): e is Expr => e !== undefined,
  );
  const select = {
    columns: [
      { expr: fact.timestamp ?? fact.date, alias: 'ts' },
      ...shown.map((d) => ({ expr: dimensionExpr(d, fact), alias: d.id })),
      ...VALUE_COLUMNS.map((c) => ({ expr: c.expr, alias: c.id })),
    ],
    from: { kind: 'table' as const, name: fact.table, alias: 'f' },
    joins: joinsFor([...shown, ...filtered.map((x) => x.def)], fact),
    where: [
      bin('>=', fact.date, param(timeRange.from, 'date')),
      bin('<=', fact.date, param(timeRange.to, 'date')),
      ...filtered.map(({ def, filter }) => filterExpr(def, filter, fact)),
      ...inScope,
    ],
    orderBy: [{ expr: col('ts'), desc: true }],
    limit: limit + 1,
  };
  const { sql, params } = engine.render(select);
  const rows = await engine.query(sql, params);
  return {
    columns: [
      { id: 'ts', label: { zh: '时间', en: 'Time' } },
      ...shown.map((d) => ({ id: d.id, label: d.label })),
      ...VALUE_COLUMNS.map((c) => ({ id: c.id, label: c.label })),
    ],
    rows: rows.slice(0, limit),
    truncated: rows.length > limit,
  };
}
