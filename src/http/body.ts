/**
 * Reads a JSON request body against a zod schema; an empty body is `{}`, but a blank one (only
 * whitespace) is a mistake, not "all servers". Mistakes are 400s naming the field.
 */
import type { Context } from 'hono';
import { OrchError } from '../errors.js';
import type * as z from '../zod.js';

export async function readBody<T extends z.ZodMiniType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text !== '' && text.trim() === '') throw new OrchError('BAD_REQUEST', 'the request body is blank; send JSON, or nothing');
  if (text !== '') {
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
