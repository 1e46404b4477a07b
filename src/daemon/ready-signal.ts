/**
 * The line a launched daemon writes on its ready pipe (fd ORCH_READY_FD) for the `orch start` that
 * waits on it: `{}` once clients can find it. A daemon that will not start because the config or a
 * flag it was given is wrong says why instead, so that `orch start` tells it as a mistake of its own:
 * it leaves reading the config to the daemon, and so launches it without loading the config's schema.
 */
import { closeSync, writeSync } from 'node:fs';
import { OrchError, type OrchErrorCode } from '../errors.js';

export interface ReadySignal {
  /** Why the daemon exits instead of starting: a mistake in its config or flags, as an OrchError. */
  mistake?: { code: OrchErrorCode; message: string };
}

export function encodeReady(signal: ReadySignal): string {
  return `${JSON.stringify(signal)}\n`;
}

/** Whatever the pipe held: an older daemon's bare `ready`, or nothing at all, reads as no mistake. */
export function decodeReady(text: string): ReadySignal {
  try {
    const signal: unknown = JSON.parse(text);
    return typeof signal === 'object' && signal !== null ? (signal as ReadySignal) : {};
  } catch {
    return {};
  }
}

/** The mistake as the daemon had it, to be reported as if the CLI had found it. */
export function mistakeError(signal: ReadySignal): OrchError | undefined {
  return signal.mistake && new OrchError(signal.mistake.code, signal.mistake.message);
}

/** Writes the one line and closes the pipe; `fd` undefined (no launcher) writes nothing. */
export function writeReady(fd: number | undefined, signal: ReadySignal): void {
  if (fd === undefined) return;
  try {
    writeSync(fd, encodeReady(signal));
    closeSync(fd);
  } catch {
    // The CLI gave up waiting, or was never there: it finds the daemon through daemon.json all the same.
  }
}

/** The launcher's pipe, taken out of the environment so that no server inherits it. */
export function takeReadyFd(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.ORCH_READY_FD;
  delete env.ORCH_READY_FD;
  const fd = Number(value);
  return value !== undefined && Number.isInteger(fd) ? fd : undefined;
}
