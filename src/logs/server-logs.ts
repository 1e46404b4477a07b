/**
 * Every server's output: stderr lines (and stdout noise), timestamped, in a ring of the last lines for
 * fast reads and in `logs/<name>.log` rotated by size for the full history.
 */
import { join } from 'node:path';
import type { RotatingFileStream } from 'rotating-file-stream';
import { logFileName } from './file-name.js';
import { RingBuffer } from './ring-buffer.js';
import { closeStream, openRotatingFile, type RotationPolicy } from './rotating-file.js';

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
  now?: () => number;
}

type Listener = (line: LogLine) => void;

export class ServerLogs {
  private readonly rings = new Map<string, RingBuffer<LogLine>>();
  private readonly files = new Map<string, RotatingFileStream>();
  private readonly listeners = new Set<Listener>();
  private readonly now: () => number;

  constructor(private readonly options: ServerLogsOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  append(server: string, stream: LogStream, text: string): void {
    const line: LogLine = { time: this.now(), server, stream, text };
    this.ring(server).push(line);
    this.file(server)?.write(formatLogLine(line));
    for (const listener of this.listeners) listener(line);
  }

  tail(server: string, limit?: number): LogLine[] {
    return this.rings.get(server)?.toArray(limit) ?? [];
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  filePath(server: string): string | undefined {
    return this.options.dir && join(this.options.dir, logFileName(server));
  }

  async close(): Promise<void> {
    const files = [...this.files.values()];
    this.files.clear();
    await Promise.all(files.map(closeStream));
  }

  private ring(server: string): RingBuffer<LogLine> {
    let ring = this.rings.get(server);
    if (!ring) {
      ring = new RingBuffer(this.options.ringSize ?? 1_000);
      this.rings.set(server, ring);
    }
    return ring;
  }

  private file(server: string): RotatingFileStream | undefined {
    const path = this.filePath(server);
    if (!path) return undefined;
    let file = this.files.get(server);
    if (!file) {
      file = openRotatingFile(path, this.options.rotation);
      this.files.set(server, file);
    }
    return file;
  }
}

export function formatLogLine(line: LogLine): string {
  const tag = line.stream === 'stderr' ? '' : `[${line.stream}] `;
  return `${new Date(line.time).toISOString()} ${tag}${line.text}\n`;
}
