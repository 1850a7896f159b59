import { ZhongtaiError } from '../../model/index.js';
import { and, bin, col, type Expr, num, param, type Select, type Source } from '../../warehouse/index.js';
import {
  DIMENSIONS,
  type DimensionDef,
  type DimensionGroup,
  type FactDef,
  type Formula,
  factById,
  factSupports,
  findDimension,
  findMetric,
  type JoinTarget,
  METRICS,
  type MeasureDef,
  type MeasureSource,
  type MetricDef,
  measureById,
  measuresOf,
  rolledUp,
  rollupFact,
  rollupFor,
  suggestions,
} from '../catalog/index.js';
import type { Filter, Query, TimeRange } from '../query.js';
import { type ResolvedScope, storeCondition, supplierCondition } from '../scope.js';
import { dimensionExpr, filterExpr, joinsFor } from './dimension-sql.js';

/** A query checked against the catalogue: the definitions behind every id it names. */
export interface ResolvedQuery {
  metrics: MetricDef[];
  dimensions: DimensionDef[];
  filters: { def: DimensionDef; filter: Filter }[];
}

export interface CompileOptions {
  range: TimeRange;
  /** Facts holding data; a measure reads the first of its sources that does. All facts when absent. */
  available?: ReadonlySet<string>;
  /** Like-for-like: only stores open on `openBy` and still open after `openUntil`. */
  comparableStores?: { openBy: string; openUntil: string };
  /** Rollups built and holding every day of the range: a measure reads one when it can answer exactly. */
  rollups?: ReadonlySet<string>;
  /** Filled with the rollups the compiled query reads. */
  rollupsRead?: Set<string>;
  /** The caller's grants: every fact read is filtered to them (row-level security). Everything when absent. */
  scope?: ResolvedScope;
}

/** The dimension groups a scope restricts, each checked on every fact a measure reads. */
function scopeGroups(scope: ResolvedScope | undefined): DimensionGroup[] {
  if (!scope) return [];
  return [...(scope.storeIds ? ['store' as const] : []), ...(scope.supplierIds ? ['product' as const] : [])];
}

const unknown = (code: 'UNKNOWN_METRIC' | 'UNKNOWN_DIMENSION', id: string, field: string): never => {
  const metric = code === 'UNKNOWN_METRIC';
  const what = metric ? ['metric', '指标'] : ['dimension', '维度'];
  const near = suggestions(id, metric ? METRICS : DIMENSIONS);
  const hint = near.length
    ? { en: ` Did you mean ${near.join(', ')}?`, zh: `您是否想要：${near.join('、')}？` }
    : null;
  throw new ZhongtaiError(
    code,
    {
      en: `Unknown ${what[0]} "${id}".${hint?.en ?? ''} The list: zhongtai catalog, or GET /api/v1/catalog`,
      zh: `未知${what[1]}「${id}」。${hint?.zh ?? ''}可用列表：zhongtai catalog 或 GET /api/v1/catalog`,
    },
    { field },
  );
};

export function resolveQuery(query: Query): ResolvedQuery {
  const metrics = query.metrics.map(
    (id, i) => findMetric(id) ?? unknown('UNKNOWN_METRIC', id, `metrics.${i}`),
  );
  const dimIds = [...query.dimensions];
  if (query.grain && !dimIds.includes(query.grain)) dimIds.unshift(query.grain);
  const dimensions = [...new Set(dimIds)].map(
    (id, i) => findDimension(id) ?? unknown('UNKNOWN_DIMENSION', id, `dimensions.${i}`),
  );
  const filters = query.filters.map((filter, i) => ({
    def:
      findDimension(filter.dimension) ??
      unknown('UNKNOWN_DIMENSION', filter.dimension, `filters.${i}.dimension`),
    filter,
  }));
  return { metrics, dimensions, filters };
}

/** How one measure will be read for this query: from which source, cut by which of the asked dimensions. */
interface MeasurePlan {
  measure: MeasureDef;
  source: MeasureSource;
  fact: FactDef;
  dims: DimensionDef[];
  filters: { def: DimensionDef; filter: Filter }[];
  /** The scope's groups this measure is filtered by. */
  scoped: DimensionGroup[];
}

function planMeasure(
  measure: MeasureDef,
  metric: MetricDef,
  q: ResolvedQuery,
  { available, rollups, rollupsRead, scope }: CompileOptions,
): MeasurePlan {
  if (measure.storeOperations && scope?.supplierIds)
    throw new ZhongtaiError(
      'FORBIDDEN',
      {
        en: `Metric ${metric.id} (${metric.label.en}) divides by stores' open days or selling area, which suppliers do not see`,
        zh: `指标「${metric.label.zh}」以门店营业天数或经营面积为分母，供应商无权查看`,
      },
      { field: metric.id },
    );
  const broadcast = new Set<DimensionGroup>(measure.broadcastOver ?? []);
  const dims = q.dimensions.filter((d) => !broadcast.has(d.group));
  const filters = q.filters.filter((f) => !broadcast.has(f.def.group));
  const groups = new Set([...dims, ...filters.map((f) => f.def)].map((d) => d.group));
  // What a measure constant across a group holds is not that group's data (open store-days for a supplier).
  const scoped = scopeGroups(scope).filter((g) => !broadcast.has(g));
  const reachingAsked = measure.sources.filter((s) =>
    [...groups].every((g) => factSupports(factById(s.fact), g)),
  );
  const reaching = reachingAsked.filter((s) => scoped.every((g) => factSupports(factById(s.fact), g)));
  const source = reaching.find((s) => !available || available.has(s.fact)) ?? reaching[0];
  if (!source && reachingAsked.length > 0) {
    throw new ZhongtaiError(
      'FORBIDDEN',
      {
        en: `Metric ${metric.id} (${metric.label.en}) is not within your data scope`,
        zh: `指标「${metric.label.zh}」不在您的数据权限范围内`,
      },
      { field: metric.id },
    );
  }
  if (!source) {
    const blocker = [...q.dimensions, ...q.filters.map((f) => f.def)].find(
      (d) => !broadcast.has(d.group) && !measure.sources.some((s) => factSupports(factById(s.fact), d.group)),
    );
    const name = blocker ? blocker.id : [...groups].join('+');
    throw new ZhongtaiError(
      'NOT_CUTTABLE',
      {
        en: `Metric ${metric.id} (${metric.label.en}) cannot be cut or filtered by ${name}`,
        zh: `指标「${metric.label.zh}」不能按「${blocker?.label.zh ?? name}」拆分或筛选`,
      },
      { field: name },
    );
  }
  const rollup = rollups && rollupFor(measure.id, source.fact, [...groups, ...scoped], rollups);
  if (rollup) {
    rollupsRead?.add(rollup.id);
    const fact = rollupFact(rollup);
    return {
      measure,
      source: { fact: fact.id, aggregation: rolledUp(measure.id) },
      fact,
      dims,
      filters,
      scoped,
    };
  }
  return { measure, source, fact: factById(source.fact), dims, filters, scoped };
}

const dimAlias = (i: number) => `d${i}`;

/** One aggregate subquery over one fact: the asked dimensions it follows, and its measures. */
function factSelect(group: MeasurePlan[], all: DimensionDef[], options: CompileOptions): Select {
  const [first] = group;
  if (!first) throw new Error('empty measure group');
  const { fact, dims, filters, scoped } = first;
  const where: Expr[] = [
    bin('>=', fact.date, param(options.range.from, 'date')),
    bin('<=', fact.date, param(options.range.to, 'date')),
  ];
  for (const { def, filter } of filters) where.push(filterExpr(def, filter, fact));
  // Row-level security: the caller's stores and suppliers, on every fact this query reads.
  const scopeJoins: JoinTarget[] = [];
  if (options.scope && scoped.includes('store') && fact.keys.store) {
    const condition = storeCondition(options.scope, col(fact.keys.store, 'f'));
    if (condition) where.push(condition);
  }
  if (options.scope && scoped.includes('product')) {
    const condition = supplierCondition(options.scope);
    if (condition) {
      where.push(condition);
      scopeJoins.push('product');
    }
  }
  // Like-for-like: only stores open through both periods (read from the store version of each fact's day).
  const comparable = fact.keys.store ? options.comparableStores : undefined;
  if (comparable) {
    where.push(bin('<=', col('open_date', 'store'), param(comparable.openBy, 'date')));
    where.push(
      bin(
        'or',
        { kind: 'is_null', expr: col('close_date', 'store'), negate: false },
        bin('>', col('close_date', 'store'), param(comparable.openUntil, 'date')),
      ),
    );
  }
  const joins = joinsFor([...dims, ...filters.map((f) => f.def)], fact, [
    ...(comparable ? ['store' as const] : []),
    ...scopeJoins,
  ]);
  const dimColumns = dims.map((d) => ({ expr: dimensionExpr(d, fact), alias: dimAlias(all.indexOf(d)) }));
  // Group by output aliases: a repeated expression would carry its parameters twice, and engines do not
  // see `coalesce(x, $1)` and `coalesce(x, $2)` as the same.
  const groupBy = dimColumns.map((c) => col(c.alias));
  const from = { kind: 'table' as const, name: fact.table, alias: 'f' };

  const nested = group.find((m) => m.source.aggregation.kind === 'nested');
  if (!nested) {
    return {
      columns: [
        ...dimColumns,
        ...group.map((m) => ({ expr: (m.source.aggregation as { expr: Expr }).expr, alias: m.measure.id })),
      ],
      from,
      joins,
      where,
      groupBy,
    };
  }
  const agg = nested.source.aggregation;
  if (agg.kind !== 'nested') throw new Error('unreachable');
  const by = agg.by === 'date' ? fact.date : agg.by;
  // Counting the groups with at least n rows that meet a condition: rows that fail it never count, so
  // they are left out before grouping (the non-member tickets, for 复购率), as a hand-written query would.
  const condition = countedCondition(agg.inner);
  const onlyAtLeast = group.every((m) => {
    const own = m.source.aggregation;
    return own.kind === 'nested' && own.outer.startsWith('count_at_least_');
  });
  // With the condition in WHERE, every row left counts: a plain count, cheaper than summing a CASE.
  const filtered = condition !== undefined && onlyAtLeast;
  const inner: Select = {
    columns: [
      ...dimColumns,
      { expr: by, alias: '_by' },
      { expr: filtered ? { kind: 'agg', fn: 'count' } : agg.inner, alias: '_v' },
    ],
    from,
    joins,
    where: filtered ? [...where, condition] : where,
    groupBy: [...groupBy, col('_by')],
  };
  const v = col('_v', 'n');
  const atLeast = (n: number): Expr => ({
    kind: 'agg',
    fn: 'sum',
    arg: { kind: 'case', when: bin('>=', v, num(n)), value: num(1), otherwise: num(0) },
  });
  const outer: Record<typeof agg.outer, Expr> = {
    avg: { kind: 'agg', fn: 'avg', arg: v },
    last: { kind: 'arg_max', value: v, by: col('_by', 'n') },
    count: { kind: 'agg', fn: 'count' },
    count_at_least_1: atLeast(1),
    count_at_least_2: atLeast(2),
  };
  const outerDims = dimColumns.map((c) => col(c.alias, 'n'));
  // Measures grouped here share the inner aggregate (see compile): one pass, an outer column each.
  return {
    columns: [
      ...dimColumns.map((c) => ({ expr: col(c.alias, 'n'), alias: c.alias })),
      ...group.map((m) => {
        const own = m.source.aggregation;
        if (own.kind !== 'nested') throw new Error('unreachable');
        return { expr: outer[own.outer], alias: m.measure.id };
      }),
    ],
    from: { kind: 'subquery', select: inner, alias: 'n' },
    groupBy: outerDims,
  };
}

/** The condition of a `sum(CASE WHEN c THEN 1 ELSE 0 END)` count, if the expression is one. */
function countedCondition(e: Expr): Expr | undefined {
  if (e.kind !== 'agg' || e.fn !== 'sum' || e.arg?.kind !== 'case') return undefined;
  const { value, otherwise } = e.arg;
  return value.kind === 'number' && value.value === 1 && otherwise.kind === 'number' && otherwise.value === 0
    ? e.arg.when
    : undefined;
}

function formulaExpr(formula: Formula, aliasOf: (measure: string) => string): Expr {
  if ('measure' in formula) return col(formula.measure, aliasOf(formula.measure));
  if ('ratio' in formula) {
    const ratio: Expr = {
      kind: 'divide',
      numerator: formulaExpr(formula.ratio[0], aliasOf),
      denominator: formulaExpr(formula.ratio[1], aliasOf),
    };
    return formula.scale ? bin('*', ratio, num(formula.scale)) : ratio;
  }
  return formula.sum
    .map((f) => ({ kind: 'coalesce', args: [formulaExpr(f, aliasOf), num(0)] }) as Expr)
    .reduce((a, b) => bin('+', a, b));
}

/**
 * Compiles a resolved query into one SELECT: an aggregate subquery per fact (each measure read at the
 * asked grain), joined on the dimensions, with KPI formulas over the summed parts on top.
 */
export function compile(q: ResolvedQuery, query: Query, options: CompileOptions): Select {
  const plans = new Map<string, MeasurePlan>();
  for (const metric of q.metrics) {
    for (const id of measuresOf(metric.formula))
      if (!plans.has(id)) plans.set(id, planMeasure(measureById(id), metric, q, options));
  }
  const groups = new Map<string, MeasurePlan[]>();
  for (const plan of plans.values()) {
    const agg = plan.source.aggregation;
    const cut = `${plan.fact.id}:${plan.dims.map((d) => d.id).join(',')}:${plan.filters.length}:${plan.scoped.join(',')}`;
    // Nested measures share a subquery only when their inner aggregate is the same.
    const key = agg.kind === 'nested' ? `nested:${cut}:${JSON.stringify([agg.by, agg.inner])}` : cut;
    groups.set(key, [...(groups.get(key) ?? []), plan]);
  }
  const subqueries = [...groups.values()].map((group, i) => ({
    alias: `q${i}`,
    select: factSelect(group, q.dimensions, options),
    dims: group[0]?.dims ?? [],
    measures: group.map((m) => m.measure.id),
  }));
  const aliasOf = (measure: string) => subqueries.find((s) => s.measures.includes(measure))?.alias ?? 'q0';
  const full = subqueries.filter((s) => s.dims.length === q.dimensions.length);
  const single = subqueries.length === 1 ? subqueries[0] : undefined;

  const metricColumns = q.metrics.map((m) => ({
    expr: formulaExpr(m.formula, single ? () => 'q0' : aliasOf),
    alias: m.id,
  }));
  const dimColumns = q.dimensions.map((d, i) => ({
    expr: col(dimAlias(i), single ? 'q0' : 'k'),
    alias: d.id,
  }));
  const orderBy = orderOf(q, query);

  if (single) {
    return {
      columns: [...dimColumns, ...metricColumns],
      from: { kind: 'subquery', select: single.select, alias: 'q0' },
      orderBy,
      limit: query.limit,
    };
  }
  // The row set is every dimension combination any fully-cut fact has; the rest join onto it.
  const keyColumns = q.dimensions.map((_, i) => ({ expr: col(dimAlias(i)), alias: dimAlias(i) }));
  const ctes = subqueries.map((s) => ({ name: s.alias, select: s.select }));
  const keys: Select[] = full.map((s) => ({
    columns: keyColumns,
    from: { kind: 'cte', name: s.alias, alias: s.alias },
  }));
  if (q.dimensions.length > 0 && keys.length === 0) throw new Error('no measure follows every dimension');
  // Without dimensions every subquery is one aggregate row; any of them serves as the row set.
  const from: Source =
    q.dimensions.length === 0
      ? {
          kind: 'subquery',
          select: {
            columns: [{ expr: num(1), alias: 'one' }],
            from: { kind: 'cte', name: 'q0', alias: 'x' },
          },
          alias: 'k',
        }
      : { kind: 'union', selects: keys, alias: 'k' };
  const joins = subqueries.map((s) => ({
    type: 'left' as const,
    source: { kind: 'cte' as const, name: s.alias, alias: s.alias },
    on:
      s.dims.length === 0
        ? bin('=', num(1), num(1))
        : and(
            ...s.dims.map((d) =>
              bin(
                '=',
                col(dimAlias(q.dimensions.indexOf(d)), s.alias),
                col(dimAlias(q.dimensions.indexOf(d)), 'k'),
              ),
            ),
          ),
  }));
  return { ctes, columns: [...dimColumns, ...metricColumns], from, joins, orderBy, limit: query.limit };
}

function orderOf(q: ResolvedQuery, query: Query): Select['orderBy'] {
  const known = new Set([...q.metrics.map((m) => m.id), ...q.dimensions.map((d) => d.id)]);
  if (query.order.length) {
    return query.order.map((o, i) => {
      if (!known.has(o.by)) {
        throw new ZhongtaiError(
          'BAD_REQUEST',
          {
            en: `Cannot order by "${o.by}": it is not a metric or dimension of this query`,
            zh: `无法按「${o.by}」排序：它不是本查询的指标或维度`,
          },
          { field: `order.${i}.by` },
        );
      }
      return { expr: col(o.by), desc: o.desc };
    });
  }
  const time = q.dimensions.filter((d) => d.grain || d.id === 'weekday' || d.id === 'hour_of_day');
  if (time.length)
    return [
      ...time.map((d) => ({ expr: col(d.id), desc: false })),
      ...q.dimensions.filter((d) => !time.includes(d)).map((d) => ({ expr: col(d.id), desc: false })),
    ];
  const firstMetric = q.metrics[0];
  return firstMetric
    ? [
        { expr: col(firstMetric.id), desc: true },
        ...q.dimensions.map((d) => ({ expr: col(d.id), desc: false })),
      ]
    : [];
}
