import type { z } from 'zod';
import { parseInput } from '../model/index.js';

/** A request body checked by its zod schema; the first problem becomes a 400 naming the field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  return parseInput(schema, body);
}
