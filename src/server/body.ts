import type { z } from 'zod';
import { ZhongtaiError } from '../model/index.js';

/** A request body checked by its zod schema; the first problem becomes a 400 naming the field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || 'body';
  throw new ZhongtaiError(
    'BAD_REQUEST',
    { en: `${where}: ${issue?.message ?? 'invalid'}`, zh: `${where}：请求不合法（${issue?.message ?? ''}）` },
    { field: where },
  );
}
