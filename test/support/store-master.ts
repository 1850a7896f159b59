import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The smallest store master a test source needs before its facts: a files entry for `stores.csv` (ids only,
 * the rest constant) to put under a spec's `files:`, and the file itself.
 */
export function storeMasterEntry(format = 'convenience', region = '华南', city = '广州'): string {
  return `  - match: stores.csv
    targets:
      - table: store
        columns:
          store_id: { from: id, type: int }
          code: { from: id }
          name: { template: "店{id}" }
          format: { value: ${format} }
          region: { value: ${region} }
          city: { value: ${city} }
          open_date: { value: "2020-01-01" }
`;
}

export function writeStoreMaster(dir: string, stores: number): string {
  const path = join(dir, 'stores.csv');
  writeFileSync(path, `id\n${Array.from({ length: stores }, (_, i) => i + 1).join('\n')}\n`);
  return path;
}

/** A files entry for daily takings per store (shop, day, takings, tickets) under the given file pattern. */
export function takingsEntry(match: string): string {
  return `  - match: ${match}
    targets:
      - table: store_day_sales
        key: [store_id, date]
        columns:
          store_id: { from: shop, type: int, references: store }
          date: { from: day }
          net_sales: { from: takings, min: 0 }
          orders: { from: tickets, type: int, min: 0 }
`;
}
