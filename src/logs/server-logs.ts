/**
 * Every server's output: stderr lines (and stdout noise), timestamped, in a ring of the last lines for
 * fast reads and in `logs/<name>.log` rotated by size for the full history. Memory stays bounded
 * whatever a server prints: the ring holds a fixed number of lines, each cut to `MAX_KEPT_CHARS`, and
 * the file drops (and counts) what the disk cannot take in time.
 */
import { join } from 'node:path';
import { LogFile, type DroppedLines } from '../storage/log-file.js';
import type { StorageProblems } from '../storage/problems.js';
import { logFileName } from './file-name.js';
import { emptyLogFiles } from './flush.js';
import { LineRing } from './line-ring.js';
import type { RotationPolicy } from './rotating-file.js';
import { LogTick } from './log-tick.js';
import { PipeReader } from './pipe-reader.js';

export type LogStream = 'stderr' | 'stdout' | 'orch';

export interface LogLine {
  time: number;
  server: string;
  stream: LogStream;
  text: string;
}

export interface ServerLogsOptions {
  /** No directory keeps the logs in memory only (tests, benchmarks). */
  dir?: string;
  ringSize?: number;
  rotation?: RotationPolicy;
  /** Where a log file that cannot be written is reported. */
  problems?: StorageProblems;
  now?: () => number;
}

/** Lines kept in memory (the ring, live followers) are cut here; the file keeps them whole. */
export const MAX_KEPT_CHARS = 4_000;

type Listener = (line: LogLine) => void;

/**
 * A line costs what cannot be shared or put off: its time, its place in the ring, its text added to
 * the file's batch. The time's text is made once per millisecond (the lines of one pipe read share
 * it), chatty servers' pipes are read and the files written once per `LogTick`, and a `LogLine`
 * object exists only for a listener.
 */
export class ServerLogs {
  private readonly rings = new Map<string, LineRing>();
  private readonly files = new Map<string, LogFile>();
  /** Followers of every server's lines. */
  private readonly listeners = new Set<Listener>();
  /** Followers of one server's lines: a line of another costs them nothing. */
  private readonly serverListeners = new Map<string, Set<Listener>>();
  /**
   * Servers whose files are being emptied, with the lines that came meanwhile (at most a ring's worth),
   * written once the last of the overlapping flushes is done.
   */
  private readonly flushing = new Map<string, { flushes: number; held: string[] }>();
  private readonly tick = new LogTick();
  /** Reads servers' stderr a tick at a time while they write steadily. */
  readonly pipes = new PipeReader(this.tick);
  private readonly ringSize: number;
  private readonly now: () => number;
  private stampedAt = Number.NaN;
  private stamp = '';
  private closed = false;

  constructor(private readonly options: ServerLogsOptions = {}) {
    this.ringSize = options.ringSize ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  append(server: string, stream: LogStream, text: string): void {
    const time = this.now();
    this.toFile(server, time, stream, text);
    this.remember(server, time, stream, text.length > MAX_KEPT_CHARS ? `${text.slice(0, MAX_KEPT_CHARS)}…` : text);
  }

  tail(server: string, limit?: number): LogLine[] {
    return this.rings.get(server)?.toArray(limit) ?? [];
  }

  /** Every line as it comes, of one server or, without one, of all. Returns the unsubscribe. */
  subscribe(listener: Listener, server?: string): () => void {
    if (server === undefined) {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    }
    let followers = this.serverListeners.get(server);
    if (!followers) this.serverListeners.set(server, (followers = new Set()));
    followers.add(listener);
    return () => {
      followers.delete(listener);
      if (followers.size === 0 && this.serverListeners.get(server) === followers) this.serverListeners.delete(server);
    };
  }

  filePath(server: string): string | undefined {
    return this.options.dir && join(this.options.dir, logFileName(server));
  }

  /** A server that is no longer supervised: its lines leave memory, its log files stay on disk. */
  forget(server: string): void {
    this.rings.delete(server);
    void this.files.get(server)?.close();
    this.files.delete(server);
  }

  /**
   * Empties a server's log, in memory and on disk. Its file is closed before the truncation so the
   * file does not go on counting from the old size; the next line opens it again.
   */
  async flush(server: string): Promise<void> {
    this.rings.delete(server);
    const file = this.files.get(server);
    this.files.delete(server);
    const flush = this.flushing.get(server) ?? { flushes: 0, held: [] };
    flush.flushes += 1;
    this.flushing.set(server, flush);
    try {
      await file?.close();
      const path = this.filePath(server);
      if (path) emptyLogFiles(path, this.options.rotation?.files);
    } finally {
      flush.flushes -= 1;
      if (flush.flushes === 0) {
        this.flushing.delete(server);
        for (const line of flush.held) this.file(server)?.write(line);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const files = [...this.files.values()];
    this.files.clear();
    await Promise.all(files.map((file) => file.close()));
  }

  private toFile(server: string, time: number, stream: LogStream, text: string): void {
    if (!this.options.dir || this.closed) return;
    if (time !== this.stampedAt) {
      this.stampedAt = time;
      this.stamp = new Date(time).toISOString();
    }
    const line = logFileLine(this.stamp, stream, text);
    const flush = this.flushing.get(server);
    if (!flush) this.file(server)?.write(line);
    else if (flush.held.length < this.ringSize) flush.held.push(line);
  }

  private remember(server: string, time: number, stream: LogStream, text: string): void {
    this.ring(server).push(time, stream, text);
    const followers = this.serverListeners.get(server);
    if (this.listeners.size === 0 && !followers) return;
    const line: LogLine = { time, server, stream, text };
    for (const listener of this.listeners) listener(line);
    if (followers) for (const listener of followers) listener(line);
  }

  private ring(server: string): LineRing {
    let ring = this.rings.get(server);
    if (!ring) {
      ring = new LineRing(server, this.ringSize);
      this.rings.set(server, ring);
    }
    return ring;
  }

  private file(server: string): LogFile | undefined {
    // Lines that come after close (a last exit at shutdown) stay in memory only.
    if (!this.options.dir || this.closed) return undefined;
    let file = this.files.get(server);
    if (!file) {
      const dropNotice = (dropped: DroppedLines) => `${dropped.count.toLocaleString('en-US')} lines dropped: ${dropped.reason}`;
      file = new LogFile(join(this.options.dir, logFileName(server)), {
        rotation: this.options.rotation,
        problems: this.options.problems,
        tick: this.tick,
        notice: (dropped) => formatLogLine({ time: this.now(), server, stream: 'orch', text: dropNotice(dropped) }),
        onResume: (dropped) => this.remember(server, this.now(), 'orch', dropNotice(dropped)),
      });
      this.files.set(server, file);
    }
    return file;
  }
}

export function formatLogLine(line: LogLine): string {
  return logFileLine(new Date(line.time).toISOString(), line.stream, line.text);
}

function logFileLine(isoTime: string, stream: LogStream, text: string): string {
  return `${isoTime} ${stream === 'stderr' ? '' : `[${stream}] `}${text}\n`;
}
