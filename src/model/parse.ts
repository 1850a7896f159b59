import type { z } from 'zod';
import { ZhongtaiError } from './errors.js';

/** Input from outside checked by its zod schema; the first problem becomes a BAD_REQUEST naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || 'body';
  throw new ZhongtaiError(
    'BAD_REQUEST',
    { en: `${where}: ${issue?.message ?? 'invalid'}`, zh: `${where}：请求不合法（${issue?.message ?? ''}）` },
    { field: where },
  );
}
