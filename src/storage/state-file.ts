/**
 * A small JSON state file (groups, wanted servers) that is written whole or not at all and never
 * throws: the value lives in memory first, and a write that fails is retried with the latest value
 * until it lands, recreating the folder if it was deleted.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeJsonAtomic } from '../daemon/atomic-file.js';
import type { StorageProblems } from './problems.js';

export const STATE_RETRY_MS = 1_000;

export class StateFile {
  private pending: unknown;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    private readonly problems: StorageProblems,
    private readonly retryMs = STATE_RETRY_MS,
  ) {}

  write(value: unknown): void {
    this.pending = value;
    this.dirty = true;
    if (!this.timer) this.flush(false);
  }

  /** Stops retrying; what could not be written by then is lost with the process. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(retrying: boolean): void {
    this.timer = undefined;
    if (!this.dirty) return;
    try {
      // A deleted `$ORCH_HOME` comes back on the first retry.
      if (retrying) mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      writeJsonAtomic(this.path, this.pending);
      this.dirty = false;
      this.problems.succeeded(this.path);
    } catch (error) {
      this.problems.failed(this.path, error);
      this.timer = setTimeout(() => this.flush(true), this.retryMs);
      this.timer.unref();
    }
  }
}
