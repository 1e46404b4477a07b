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

export class OrchError extends Error {
  override readonly name = 'OrchError';

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
  return error instanceof OrchError;
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
