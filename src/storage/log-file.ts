/**
 * An append-only log file rotated by size (rotating-file-stream underneath) that can neither grow
 * orch's memory nor stop it. Lines written in one turn of the event loop go to the disk as one write
 * (the stream does one file write per chunk); given a `WriteTick`, the lines of a whole tick do, and
 * a batch of `WRITE_NOW_BYTES` goes at the end of its turn anyway. When the disk falls behind by more
 * than `maxPendingBytes`, lines are dropped and counted, and the count is written once it catches up.
 * A write error (full disk, read-only, deleted folder) closes the file; the next write after `retryMs`
 * opens it again, so logging resumes by itself once the disk is usable.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RotatingFileStream } from 'rotating-file-stream';
import { closeStream, openRotatingFile, type RotationPolicy } from '../logs/rotating-file.js';
import type { WriteTick } from '../logs/write-tick.js';
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
  tick?: WriteTick;
}

/** Well over a second of a busy server's output: beyond it, a flood is dropped rather than held in memory. */
export const MAX_PENDING_BYTES = 1024 * 1024;
export const REOPEN_RETRY_MS = 1_000;
/** A pipe read's worth: a flood goes to the disk as fast as it takes it, not a tick at a time. */
export const WRITE_NOW_BYTES = 64 * 1024;

export class LogFile {
  private stream: RotatingFileStream | undefined;
  private batch = '';
  private batchLines = 0;
  /** A count of dropped lines queued in `batch`, said to followers once the disk has taken it. */
  private batchNotice: DroppedLines | undefined;
  /** Lines handed to the stream and not yet on disk: lost, and counted, if the stream fails. */
  private unwritten = 0;
  private cutOff = false;
  private flushing = false;
  private awaitingDrain = false;
  private unconfirmed = false;
  private retryAt = 0;
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
    const stream = this.open();
    if (!stream) return this.drop(`cannot write the log: ${this.lastError}`);
    if (stream.writableLength + this.batch.length > this.maxPendingBytes) {
      this.drop('log writer behind');
      this.noticeWhenDrained(stream);
      return;
    }
    this.takeNotice();
    this.batch += text;
    this.batchLines += 1;
    this.scheduleFlush();
  }

  async close(): Promise<void> {
    this.closed = true;
    const stream = this.stream;
    if (!stream) return;
    this.takeNotice();
    this.flush();
    this.stream = undefined;
    await closeStream(stream);
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
    if (this.cutOff) this.batch += '\n';
    this.cutOff = false;
    this.batch += this.options.notice(dropped);
    this.batchNotice = dropped;
    this.scheduleFlush();
  }

  /** Said as soon as the writer catches up, even if nothing more is written. */
  private noticeWhenDrained(stream: RotatingFileStream): void {
    if (this.awaitingDrain) return;
    this.awaitingDrain = true;
    const resume = () => {
      this.awaitingDrain = false;
      if (this.stream === stream) this.takeNotice();
    };
    if (stream.writableNeedDrain) stream.once('drain', resume);
    else setImmediate(resume);
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

  private flush(): void {
    const stream = this.stream;
    if (!stream || this.batch === '') return;
    const text = this.batch;
    const lines = this.batchLines;
    const notice = this.batchNotice;
    const first = this.unconfirmed;
    this.batch = '';
    this.batchLines = 0;
    this.batchNotice = undefined;
    this.unconfirmed = false;
    this.unwritten += lines + (notice?.count ?? 0);
    stream.write(text, (error) => {
      if (error || this.stream !== stream) return;
      this.unwritten -= lines + (notice?.count ?? 0);
      // The first write through a new stream tells whether the disk takes data again.
      if (first) this.options.problems?.succeeded(this.path);
      if (notice) this.options.onResume?.(notice);
    });
  }

  private open(): RotatingFileStream | undefined {
    if (this.stream || this.closed || this.now() < this.retryAt) return this.stream;
    let stream: RotatingFileStream;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      stream = openRotatingFile(this.path, this.options.rotation);
    } catch (error) {
      this.failed(error);
      return undefined;
    }
    stream.on('error', (error) => {
      if (this.stream === stream) this.failed(error);
    });
    this.stream = stream;
    this.unconfirmed = true;
    return stream;
  }

  private failed(error: unknown): void {
    const stream = this.stream;
    this.stream = undefined;
    this.retryAt = this.now() + this.retryMs;
    this.lastError = (error as NodeJS.ErrnoException).code ?? String(error);
    // What was waiting for the disk is lost with it: counted, like any other dropped line.
    this.dropped += this.batchLines + (this.batchNotice?.count ?? 0) + this.unwritten;
    this.batch = '';
    this.batchLines = 0;
    this.batchNotice = undefined;
    this.unwritten = 0;
    this.cutOff = stream !== undefined;
    this.options.problems?.failed(this.path, error);
    stream?.destroy();
  }
}
