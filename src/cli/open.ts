import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ZhongtaiError } from '../model/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';

/**
 * Opens the warehouse file; `create` says whether a missing file may be created. Commands that only
 * read open it read-only, so they run beside a server or another reader.
 */
export async function openDb(
  path: string,
  create: boolean,
  readOnly = false,
  memoryLimit?: string,
): Promise<Warehouse> {
  if (!existsSync(path)) {
    if (!create) {
      throw new ZhongtaiError('NOT_FOUND', {
        en: `No data file at ${path}. Create one with: zhongtai demo --db ${path}`,
        zh: `找不到数据文件 ${path}。可先运行：zhongtai demo --db ${path}`,
      });
    }
    mkdirSync(dirname(path), { recursive: true });
  }
  try {
    return await openWarehouse({ path, readOnly, ...(memoryLimit ? { memoryLimit } : {}) });
  } catch (error) {
    // DuckDB lets one process write a file (or several only read it): say which, not the engine's text.
    if (error instanceof Error && /lock/i.test(error.message)) {
      throw new ZhongtaiError('BAD_REQUEST', {
        en: `${path} is in use by another process (a running \`zhongtai serve\`?). Stop it, or query through its API.`,
        zh: `${path} 正被另一个进程占用（是否有正在运行的 zhongtai serve？）。请先停止它，或通过其 API 查询。`,
      });
    }
    throw error;
  }
}
