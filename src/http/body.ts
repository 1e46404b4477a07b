/** Reads a JSON request body against a zod schema; an empty body is `{}`. Mistakes are 400s naming the field. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { OrchError } from '../errors.js';

export async function readBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new OrchError('BAD_REQUEST', 'the request body is not valid JSON');
    }
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'body';
  throw new OrchError('BAD_REQUEST', `${where}: ${issue.message}`, { field: where });
}
