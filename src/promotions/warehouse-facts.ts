import type { Engine } from '../warehouse/index.js';
import type { ChainFacts } from './center.js';

/**
 * A store id or SKU written into SQL: whole numbers the request schema already checked, so the same text runs
 * on DuckDB and on ClickHouse 18 (which takes no bound parameters); anything else is refused, never pasted.
 */
const whole = (n: number) => {
  if (!Number.isSafeInteger(n)) throw new Error(`not a whole number: ${n}`);
  return String(n);
};

/** The warehouse's stores and products as the promotion center reads them (region, format, categories …). */
export function warehouseFacts(engine: Engine): ChainFacts {
  return {
    async store(id) {
      const [row] = await engine.query(`SELECT region, format FROM store WHERE store_id = ${whole(id)}`);
      return row
        ? { region: String(row.region ?? '') || null, format: String(row.format ?? '') || null }
        : null;
    },
    async products(skus) {
      if (!skus.length) return new Map();
      const rows = await engine.query(
        `SELECT sku, category_l1, category_l2, category_l3, brand, supplier_id FROM product
         WHERE sku IN (${skus.map(whole).join(', ')})`,
      );
      return new Map(
        rows.map((r) => [
          Number(r.sku),
          {
            categories: [r.category_l1, r.category_l2, r.category_l3].filter(Boolean).map(String),
            brand: r.brand === null ? null : String(r.brand),
            supplier: r.supplier_id === null ? null : Number(r.supplier_id),
          },
        ]),
      );
    },
  };
}
