/**
 * How a failed command ends, for the full CLI and the fast path alike: a user's mistake is one line
 * on stderr and an exit code of 1 (a failed action), 2 (a usage error) or 3 (a partial start).
 */
import { isOrchError, type OrchErrorCode } from '../errors.js';

/** Beyond 1 for a failure: a usage error, and a start where some servers came up and some did not. */
const EXIT_CODE: Partial<Record<OrchErrorCode, number>> = { USAGE: 2, PARTIAL_START: 3 };

/** Prints an OrchError, or a usage error cac found, and sets the exit code; anything else is a bug and is thrown again with its stack. */
export function reportFailure(error: unknown): void {
  if (isOrchError(error)) {
    process.stderr.write(`orch: ${error.message}\n`);
    process.exitCode = EXIT_CODE[error.code] ?? 1;
  } else if (error instanceof Error && error.name === 'CACError') {
    process.stderr.write(`orch: ${error.message} (see orch --help)\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
