import type { z } from 'zod';
import { ZhongtaiError } from './errors.js';

/**
 * Input from outside checked by its zod schema; the first problem becomes a BAD_REQUEST naming the field (and
 * the file, for input read from one).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, file?: string): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || (file ? '(file)' : 'body');
  const problem = issue?.message ?? 'invalid';
  throw new ZhongtaiError(
    'BAD_REQUEST',
    file
      ? { en: `${file}, ${where}: ${problem}`, zh: `${file} 的 ${where}：${problem}` }
      : { en: `${where}: ${problem}`, zh: `${where}：请求不合法（${issue?.message ?? ''}）` },
    { ...(file ? { file } : {}), field: where },
  );
}
