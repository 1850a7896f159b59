import { type DataScope, type GrantKind, scopeKey } from '../model/index.js';
import { bin, col, type Engine, type Expr, num, param, type Select } from '../warehouse/index.js';

/**
 * A caller's grants turned into the keys the compiler filters every fact by: store ids (for store-like
 * grants) and supplier ids (for supplier grants). `null` leaves that side unrestricted.
 */
export interface ResolvedScope {
  /** Equal for callers who may read exactly the same rows: part of every cache key. */
  key: string;
  storeIds: number[] | null;
  supplierIds: number[] | null;
}

export const UNRESTRICTED: ResolvedScope = { key: 'all', storeIds: null, supplierIds: null };

const resolved = new WeakMap<Engine, Map<string, { writes: number; scope: ResolvedScope }>>();

const FALSE: Expr = bin('=', num(1), num(0));

function anyOf(column: Expr, values: string[]): Expr {
  if (values.length === 0) return FALSE;
  return { kind: 'in', expr: column, values: values.map((v) => param(v, 'string')), negate: false };
}

async function idsOf(engine: Engine, select: Select, column: string): Promise<number[]> {
  const { sql, params } = engine.render(select);
  const rows = await engine.query(sql, params);
  // Integers read from our own tables: printed as literals, which the engine prunes by far better than parameters.
  return rows
    .map((r) => Number(r[column]))
    .filter(Number.isSafeInteger)
    .sort((a, b) => a - b);
}

/** The store and supplier ids a scope reaches, read from the current master data (kept until a write). */
export async function resolveScope(engine: Engine, scope: DataScope): Promise<ResolvedScope> {
  if (scope.all) return UNRESTRICTED;
  const key = scopeKey(scope);
  const kept = resolved.get(engine)?.get(key);
  if (kept && kept.writes === engine.writes) return kept.scope;
  const writes = engine.writes;
  const values = (kind: GrantKind) => scope.grants.filter((g) => g.kind === kind).map((g) => g.value);
  const [stores, regions, formats, suppliers] = [
    values('store'),
    values('region'),
    values('format'),
    values('supplier'),
  ];
  const storeLike = stores.length + regions.length + formats.length > 0;
  // No grant at all: nothing, on both sides.
  const nothing = !storeLike && suppliers.length === 0;
  const storeIds = nothing
    ? []
    : storeLike
      ? await idsOf(
          engine,
          {
            columns: [{ expr: col('store_id', 's'), alias: 'store_id' }],
            from: { kind: 'table', name: 'store', alias: 's' },
            where: [
              bin(
                'or',
                bin('or', anyOf(col('code', 's'), stores), anyOf(col('region', 's'), regions)),
                anyOf(col('format', 's'), formats),
              ),
            ],
          },
          'store_id',
        )
      : null;
  const supplierIds =
    suppliers.length > 0
      ? await idsOf(
          engine,
          {
            columns: [{ expr: col('supplier_id', 's'), alias: 'supplier_id' }],
            from: { kind: 'table', name: 'supplier', alias: 's' },
            where: [anyOf(col('code', 's'), suppliers)],
          },
          'supplier_id',
        )
      : null;
  const scopeOut: ResolvedScope = {
    key: JSON.stringify([storeIds, supplierIds]),
    storeIds,
    supplierIds,
  };
  let byKey = resolved.get(engine);
  if (!byKey) {
    byKey = new Map();
    resolved.set(engine, byKey);
  }
  if (byKey.size > 1000) byKey.clear();
  byKey.set(key, { writes, scope: scopeOut });
  return scopeOut;
}

/** The condition keeping a fact's rows within the store side of a scope. */
export function storeCondition(scope: ResolvedScope, storeKey: Expr): Expr | undefined {
  if (!scope.storeIds) return undefined;
  if (scope.storeIds.length === 0) return FALSE;
  return { kind: 'in', expr: storeKey, values: scope.storeIds.map(num), negate: false };
}

/** The condition keeping rows within the supplier side of a scope (the product table is joined as `product`). */
export function supplierCondition(scope: ResolvedScope): Expr | undefined {
  if (!scope.supplierIds) return undefined;
  if (scope.supplierIds.length === 0) return FALSE;
  return {
    kind: 'in',
    expr: col('supplier_id', 'product'),
    values: scope.supplierIds.map(num),
    negate: false,
  };
}

/**
 * The SKUs a scope's supplier side allows (every SKU of its granted suppliers), or null when it does not
 * narrow by supplier: for answers computed outside the compiler (replenishment), filtered by the same rule.
 */
export async function grantedSkus(engine: Engine, scope: ResolvedScope): Promise<Set<number> | null> {
  const condition = supplierCondition(scope);
  if (!condition) return null;
  const { sql, params } = engine.render({
    columns: [{ expr: col('sku', 'product'), alias: 'sku' }],
    from: { kind: 'table', name: 'product', alias: 'product' },
    where: [condition],
  });
  return new Set((await engine.query(sql, params)).map((r) => Number(r.sku)));
}
