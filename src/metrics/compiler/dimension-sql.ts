import { TABLES, ZhongtaiError } from '../../model/index.js';
import { and, bin, col, type Expr, type Join, type ParamType, param } from '../../warehouse/index.js';
import type { DimensionDef, FactDef, JoinTarget } from '../catalog/index.js';
import type { Filter } from '../query.js';

/** The expression giving a dimension's value on a row of `fact` (its joins come from `joinsFor`). */
export function dimensionExpr(dim: DimensionDef, fact: FactDef): Expr {
  if (dim.grain) {
    if (dim.grain !== 'hour') return { kind: 'time_bucket', grain: dim.grain, expr: fact.date };
    if (fact.timestamp) return { kind: 'time_bucket', grain: 'hour', expr: fact.timestamp };
    return { kind: 'date_hour', date: fact.date, hour: col(fact.hourColumn ?? 'hour', 'f') };
  }
  if (dim.id === 'weekday') return { kind: 'weekday_of', expr: fact.date };
  if (dim.id === 'hour_of_day')
    return fact.timestamp ? { kind: 'hour_of', expr: fact.timestamp } : col(fact.hourColumn ?? 'hour', 'f');
  if (dim.group === 'channel') return col(fact.keys.channel ?? 'channel', 'f');
  if (!dim.join || !dim.column) throw new Error(`dimension ${dim.id} has no column`);
  const value = col(dim.column, dim.join);
  return dim.missing ? { kind: 'coalesce', args: [value, param(dim.missing, 'string')] } : value;
}

/** Dimension tables to join for these dimensions, in dependency order (supplier after product). */
export function joinsFor(dims: DimensionDef[], fact: FactDef, extra: JoinTarget[] = []): Join[] {
  const targets = new Set<JoinTarget>([...dims.flatMap((d) => (d.join ? [d.join] : [])), ...extra]);
  if (targets.has('supplier')) targets.add('product');
  const joins: Join[] = [];
  // A key the model declares NOT NULL always finds its dimension row (loads check references), and an
  // inner join lets the engine filter and hash far faster than a left one (3x on DuckDB here).
  // A view (forecast_day) is not a model table: its keys count as nullable. A rollup keeps its fact's.
  const nullable = (column: string) =>
    TABLES.find((t) => t.name === (fact.columnsOf ?? fact.table))?.columns.find((c) => c.name === column)
      ?.nullable ?? true;
  const on = (target: string, key: string, factKey: string): Join => ({
    type: nullable(factKey) ? 'left' : 'inner',
    source: { kind: 'table', name: target, alias: target },
    on: bin('=', col(key, target), col(factKey, 'f')),
  });
  const keyOf = (group: 'store' | 'product' | 'member' | 'promotion' | 'campaign') => {
    const key = fact.keys[group];
    if (!key) throw new Error(`fact ${fact.id} has no ${group} key`);
    return key;
  };
  if (targets.has('store')) {
    // The version of the store valid on the fact's day: a store that moved region counts where it was then.
    const version = on('store', 'store_id', keyOf('store'));
    joins.push({
      ...version,
      source: { kind: 'table', name: 'store_history', alias: 'store' },
      on: and(
        version.on,
        bin('>=', fact.date, col('valid_from', 'store')),
        bin(
          'or',
          { kind: 'is_null', expr: col('valid_to', 'store'), negate: false },
          bin('<', fact.date, col('valid_to', 'store')),
        ),
      ),
    });
  }
  if (targets.has('product')) joins.push(on('product', 'sku', keyOf('product')));
  if (targets.has('supplier')) {
    joins.push({
      type: 'inner',
      source: { kind: 'table', name: 'supplier', alias: 'supplier' },
      on: bin('=', col('supplier_id', 'supplier'), col('supplier_id', 'product')),
    });
  }
  if (targets.has('member')) joins.push(on('member', 'member_id', keyOf('member')));
  // Left: members not scored yet (joined since the last scoring) and tickets without a member count as unscored.
  if (targets.has('member_score'))
    joins.push({
      type: 'left',
      source: { kind: 'table', name: 'member_score', alias: 'member_score' },
      on: bin('=', col('member_id', 'member_score'), col(keyOf('member'), 'f')),
    });
  if (targets.has('campaign')) joins.push(on('campaign', 'campaign_id', keyOf('campaign')));
  // Left: a share relayed before its promotion's definition still counts, as 未登记的促销.
  if (targets.has('promotion'))
    joins.push({
      type: 'left',
      source: { kind: 'table', name: 'center_promotion', alias: 'promotion' },
      on: bin('=', col('promotion_id', 'promotion'), col(keyOf('promotion'), 'f')),
    });
  if (targets.has('calendar')) {
    // Left: a fact dated outside the calendar's years still counts, with no holiday attributes.
    joins.push({
      type: 'left',
      source: { kind: 'table', name: 'calendar', alias: 'calendar' },
      on: bin('=', col('date', 'calendar'), fact.date),
    });
  }
  return joins;
}

const badFilter = (filter: Filter, en: string, zh: string): never => {
  throw new ZhongtaiError(
    'BAD_FILTER',
    { en: `Filter on ${filter.dimension}: ${en}`, zh: `筛选条件 ${filter.dimension}：${zh}` },
    { field: `filters.${filter.dimension}` },
  );
};

/** A filter value checked against the dimension's type; labelled codes accept their zh/en names too. */
function filterParam(dim: DimensionDef, filter: Filter, value: string | number | boolean): Expr {
  const type: ParamType =
    dim.type === 'date'
      ? 'date'
      : dim.type === 'number'
        ? 'number'
        : dim.type === 'boolean'
          ? 'bool'
          : 'string';
  if (type === 'number' && typeof value !== 'number')
    badFilter(
      filter,
      `expects a number, got ${JSON.stringify(value)}`,
      `需要数字，收到 ${JSON.stringify(value)}`,
    );
  if (type === 'bool' && typeof value !== 'boolean')
    badFilter(filter, 'expects true or false', '需要 true 或 false');
  if (
    type === 'date' &&
    (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
  ) {
    badFilter(
      filter,
      `expects a date YYYY-MM-DD, got ${JSON.stringify(value)}`,
      `需要日期 YYYY-MM-DD，收到 ${JSON.stringify(value)}`,
    );
  }
  if (type === 'string' && typeof value !== 'string')
    badFilter(
      filter,
      `expects text, got ${JSON.stringify(value)}`,
      `需要文本，收到 ${JSON.stringify(value)}`,
    );
  if (type === 'string' && dim.values) {
    const code = Object.entries(dim.values).find(
      ([c, label]) => c === value || label.zh === value || label.en === value,
    )?.[0];
    return param(code ?? (value as string), 'string');
  }
  return param(value, type);
}

export function filterExpr(dim: DimensionDef, filter: Filter, fact: FactDef): Expr {
  const target = dimensionExpr(dim, fact);
  const values = filter.values ?? (filter.value !== undefined ? [filter.value] : []);
  if (values.length === 0) badFilter(filter, 'needs a value', '缺少筛选值');
  const first = filterParam(dim, filter, values[0] as string | number | boolean);
  switch (filter.op) {
    case 'eq':
      return values.length > 1
        ? { kind: 'in', expr: target, values: values.map((v) => filterParam(dim, filter, v)), negate: false }
        : bin('=', target, first);
    case 'neq':
      return bin('<>', target, first);
    case 'in':
    case 'not_in':
      return {
        kind: 'in',
        expr: target,
        values: values.map((v) => filterParam(dim, filter, v)),
        negate: filter.op === 'not_in',
      };
    case 'gt':
      return bin('>', target, first);
    case 'gte':
      return bin('>=', target, first);
    case 'lt':
      return bin('<', target, first);
    case 'lte':
      return bin('<=', target, first);
    case 'between': {
      if (values.length !== 2) badFilter(filter, 'between needs two values', 'between 需要两个值');
      return and(
        bin('>=', target, first),
        bin('<=', target, filterParam(dim, filter, values[1] as string | number | boolean)),
      );
    }
    case 'contains':
      if (dim.type !== 'string')
        badFilter(filter, 'contains works on text dimensions only', 'contains 只适用于文本维度');
      return { kind: 'contains', expr: target, needle: first };
  }
}
