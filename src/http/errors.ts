/** Every error leaves the API as `{ "error": { "code", "message" } }` with the status that fits. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isOrchError, type OrchErrorCode } from '../errors.js';

const STATUS: Partial<Record<OrchErrorCode, ContentfulStatusCode>> = {
  UNKNOWN_SERVER: 404,
  BAD_REQUEST: 400,
  CONFIG_NOT_FOUND: 400,
  CONFIG_UNREADABLE: 400,
  CONFIG_SYNTAX: 400,
  CONFIG_INVALID: 400,
  USAGE: 400,
};

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: object) {
  return c.json({ error: { code, message, ...details } }, status);
}

export function handleError(error: unknown, c: Context, onInternalError?: (error: unknown) => void) {
  if (isOrchError(error)) {
    const status = STATUS[error.code];
    if (status) return errorResponse(c, status, error.code, error.message, error.details);
  }
  if (error instanceof HTTPException && error.status < 500) {
    return errorResponse(c, error.status as ContentfulStatusCode, 'BAD_REQUEST', error.message || 'bad request');
  }
  onInternalError?.(error);
  return errorResponse(c, 500, 'INTERNAL', 'internal error; see the daemon log');
}
