/**
 * An append-only log file rotated by size (`RotatingFile`) that can neither grow orch's memory nor
 * stop it. Lines wait for the next `LogTick` and go to the disk in one write; a batch of
 * `WRITE_NOW_BYTES` (a flood) goes at the end of its turn. Lines past `maxPendingBytes` in one turn are
 * dropped and counted, and the count is written after what went before them. A write error (full
 * disk, read-only, deleted folder) closes the file, and the lines it did not finish count as dropped;
 * the next write after `retryMs` opens it again, so logging resumes by itself once the disk is usable.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { RotatingFile, type RotationPolicy } from '../logs/rotating-file.js';
import type { LogTick } from '../logs/log-tick.js';
import type { StorageProblems } from './problems.js';

export interface DroppedLines {
  count: number;
  reason: string;
}

export interface LogFileOptions {
  rotation?: RotationPolicy;
  problems?: StorageProblems;
  /** What the file says about lines it lost, in its own format. */
  notice: (dropped: DroppedLines) => string;
  /** Told once the file writes again after losing lines. */
  onResume?: (dropped: DroppedLines) => void;
  maxPendingBytes?: number;
  retryMs?: number;
  now?: () => number;
  /** Where lines wait for their write, with other files'; without one, until the end of the turn. */
  tick?: LogTick;
}

/** Well over a second of a busy server's output: beyond it, a flood is dropped rather than held in memory. */
export const MAX_PENDING_BYTES = 1024 * 1024;
export const REOPEN_RETRY_MS = 1_000;
/** A pipe read's worth: a flood goes to the disk as fast as it takes it, not a tick at a time. */
export const WRITE_NOW_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

export class LogFile {
  private file: RotatingFile | undefined;
  private batch = '';
  private batchLines = 0;
  /** A count of dropped lines queued in `batch`, ending at `end`, said to followers once it is on disk. */
  private batchNotice: { dropped: DroppedLines; end: number } | undefined;
  /** The file ends part way through a line, which a failed write left there. */
  private cutOff = false;
  private flushing = false;
  private unconfirmed = false;
  private retryAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastError = '';
  private dropped = 0;
  private dropReason = '';
  private closed = false;
  private readonly maxPendingBytes: number;
  private readonly writeNowBytes: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private readonly flushBatch = () => this.flush();

  constructor(
    readonly path: string,
    private readonly options: LogFileOptions,
  ) {
    this.maxPendingBytes = options.maxPendingBytes ?? MAX_PENDING_BYTES;
    // Lines waiting for a tick must not be what puts the file over its limit.
    this.writeNowBytes = Math.min(WRITE_NOW_BYTES, this.maxPendingBytes / 2);
    this.retryMs = options.retryMs ?? REOPEN_RETRY_MS;
    this.now = options.now ?? Date.now;
  }

  write(text: string): void {
    if (!this.open()) return this.drop(`cannot write the log: ${this.lastError}`);
    if (this.batch.length + text.length > this.maxPendingBytes) return this.drop('log writer behind');
    this.takeNotice();
    this.batch += text;
    this.batchLines += 1;
    this.scheduleFlush();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.flush();
    const file = this.file;
    this.file = undefined;
    try {
      file?.close();
    } catch {
      // Already closed by a failed rotation: nothing is left to lose.
    }
  }

  private drop(reason: string): void {
    this.dropped += 1;
    this.dropReason = reason;
  }

  /** Queues the count of dropped lines ahead of what comes next. */
  private takeNotice(): void {
    if (this.dropped === 0) return;
    const dropped = { count: this.dropped, reason: this.dropReason };
    this.dropped = 0;
    // A write that failed part way may have left half a line: the notice starts a line of its own.
    // Only ever into an empty batch: a failed write empties it, and the notice comes at the next line.
    if (this.cutOff) this.batch += '\n';
    this.batch += this.options.notice(dropped);
    this.batchNotice = { dropped, end: this.batch.length };
  }

  private scheduleFlush(): void {
    const tick = this.options.tick;
    if (tick && this.batch.length < this.writeNowBytes) return tick.schedule(this.flushBatch);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      this.flush();
    });
  }

  /** The batch, then the count of what was dropped while it waited: as soon as the disk takes lines again. */
  private flush(): void {
    this.writeBatch();
    if (this.dropped > 0 && this.file) {
      this.takeNotice();
      this.writeBatch();
    }
  }

  private writeBatch(): void {
    const file = this.file;
    if (!file || this.batch === '') return;
    const bytes = Buffer.from(this.batch);
    const notice = this.batchNotice;
    const noticeEnd = notice && Buffer.byteLength(this.batch.slice(0, notice.end));
    this.batch = '';
    this.batchLines = 0;
    this.batchNotice = undefined;
    let written = 0;
    try {
      while (written < bytes.length) {
        const wrote = file.write(bytes, written);
        if (wrote === 0) throw Object.assign(new Error('the file took no bytes'), { code: 'EIO' });
        written += wrote;
      }
    } catch (error) {
      // Lines whose end did not reach the file are lost; a lost notice loses the count it carried.
      let lost = countNewlines(bytes, Math.max(written, this.cutOff && bytes[0] === NEWLINE ? 1 : 0));
      if (notice && noticeEnd! > written) lost += notice.dropped.count - 1;
      if (written > 0) this.cutOff = bytes[written - 1] !== NEWLINE;
      this.failed(error, lost);
      return;
    }
    this.cutOff = false;
    // The first write through a newly opened file tells whether the disk takes data again.
    if (this.unconfirmed) this.options.problems?.succeeded(this.path);
    this.unconfirmed = false;
    if (notice) this.options.onResume?.(notice.dropped);
  }

  private open(): boolean {
    if (this.file) return true;
    if (this.closed || this.now() < this.retryAt) return false;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      this.file = new RotatingFile(this.path, this.options.rotation);
    } catch (error) {
      this.failed(error);
      return false;
    }
    this.unconfirmed = true;
    return true;
  }

  private failed(error: unknown, lost = 0): void {
    const file = this.file;
    this.file = undefined;
    try {
      file?.close();
    } catch {
      // A rotation that failed half way left nothing open.
    }
    this.retryAt = this.now() + this.retryMs;
    this.lastError = (error as NodeJS.ErrnoException).code ?? String(error);
    // What was waiting for the disk is lost with it: counted, like any other dropped line.
    this.dropped += lost + this.batchLines + (this.batchNotice?.dropped.count ?? 0);
    this.dropReason = `cannot write the log: ${this.lastError}`;
    this.batch = '';
    this.batchLines = 0;
    this.batchNotice = undefined;
    this.options.problems?.failed(this.path, error);
    this.retryLater();
  }

  /**
   * Tries the disk again after `retryMs` with the count of what was lost, so that the file says it, and
   * stops being listed as unwritable, once the disk takes data again: a server that has nothing more
   * to say would otherwise leave both as they were until its next line.
   */
  private retryLater(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closed || this.file || this.dropped === 0) return;
      if (!this.open()) return this.retryLater();
      this.takeNotice();
      this.writeBatch();
    }, this.retryMs);
    this.retryTimer.unref();
  }
}

function countNewlines(bytes: Buffer, from: number): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE, from); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}
