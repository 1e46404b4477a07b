/**
 * The one error type for mistakes a user can fix (bad config, unknown server, no daemon).
 * The CLI prints `message` alone, without a stack; anything else is a bug and keeps its stack.
 */
export type OrchErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_UNREADABLE'
  | 'CONFIG_SYNTAX'
  | 'CONFIG_INVALID'
  | 'UNKNOWN_SERVER'
  | 'USAGE'
  | 'PARTIAL_START'
  | 'BAD_REQUEST'
  | 'DAEMON_RUNNING'
  | 'NO_DAEMON'
  | 'DAEMON_FAILED'
  | 'PORT_IN_USE'
  | 'STARTUP_FAILED'
  | 'BACKUP_INVALID'
  | 'BACKUP_FAILED'
  | 'EXPORT_FAILED';

/**
 * Marks an OrchError across copies of this module: the bin holds one of its own beside the split
 * build's (see scripts/build-options.mjs), and `instanceof` would tell the two classes apart.
 */
const ORCH_ERROR = Symbol.for('orch.OrchError');

export class OrchError extends Error {
  override readonly name = 'OrchError';
  readonly [ORCH_ERROR] = true;

  constructor(
    readonly code: OrchErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toJSON() {
    return { code: this.code, message: this.message, ...(this.details && { details: this.details }) };
  }
}

export function isOrchError(error: unknown): error is OrchError {
  return typeof error === 'object' && error !== null && (error as { [ORCH_ERROR]?: unknown })[ORCH_ERROR] === true;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** "no space left on device (ENOSPC)" from Node's "ENOSPC: no space left on device, write": the path is said once, by the caller. */
export function fsReason(error: unknown): string {
  const { code } = error as NodeJS.ErrnoException;
  const text = errorMessage(error);
  if (!code) return text;
  const detail = text.replace(`${code}: `, '').replace(/, \w+( '.*')?$/, '');
  return detail && detail !== code ? `${detail} (${code})` : code;
}
