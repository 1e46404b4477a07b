/**
 * `orch logs` reads the log files on disk (`$ORCH_HOME/logs/NAME.log` and its rotations), not the
 * daemon's memory: so lines survive a daemon restart and show with no daemon running. Files are read
 * backwards in chunks, newest line first, so the last 50 lines of 50 MB of logs cost a read or two.
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { logFileName } from '../logs/file-name.js';
import { rotatedPaths } from '../logs/flush.js';
import type { LogLine, LogStream } from '../logs/server-logs.js';

const CHUNK_BYTES = 64 * 1024;
/** What formatLogLine writes: ISO time, an optional [stream] tag (stderr has none), the text. */
const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (?:\[(stdout|orch)\] )?(.*)$/;

export interface TailOptions {
  /** At most this many lines, the newest. */
  limit: number;
  /** Only lines from this time (ms) on. */
  since?: number;
}

/** A server's newest lines on disk, oldest first. */
export function readLogTail(dir: string, server: string, options: TailOptions): LogLine[] {
  const lines: LogLine[] = [];
  if (options.limit === 0) return lines;
  for (const path of rotatedPaths(join(dir, logFileName(server)))) {
    // A line that does not parse (cut by a full disk) takes the time of the line after it.
    let newer = Date.now();
    for (const raw of linesBackward(path)) {
      const line = parseLogLine(server, raw, newer);
      if (options.since !== undefined && line.time < options.since) return lines.reverse();
      newer = line.time;
      lines.push(line);
      if (lines.length >= options.limit) return lines.reverse();
    }
  }
  return lines.reverse();
}

export function parseLogLine(server: string, raw: string, fallbackTime: number): LogLine {
  const match = LINE.exec(raw);
  if (!match) return { time: fallbackTime, server, stream: 'stderr', text: raw };
  return { time: Date.parse(match[1]!), server, stream: (match[2] as LogStream | undefined) ?? 'stderr', text: match[3]! };
}

/** The servers that have a log file, read back from the file names (a name cut to fit, with `~hash`, cannot be). */
export function serversWithLogs(dir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .filter((file) => file.endsWith('.log') && !file.includes('~'))
    .map((file) => decodeURIComponent(file.slice(0, -'.log'.length)))
    .sort();
}

/** Every line of a file, newest first; a missing file has none. */
export function* linesBackward(path: string): Generator<string> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    let position = fstatSync(fd).size;
    let rest = Buffer.alloc(0);
    while (position > 0) {
      const size = Math.min(CHUNK_BYTES, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      readSync(fd, chunk, 0, size, position);
      // Split on bytes, not text: a chunk boundary may fall inside a UTF-8 character.
      rest = Buffer.concat([chunk, rest]);
      let end = rest.length;
      for (let i = rest.length - 1; i >= 0; i--) {
        if (rest[i] !== 0x0a) continue;
        if (i + 1 < end) yield rest.toString('utf8', i + 1, end);
        end = i;
      }
      rest = rest.subarray(0, end);
    }
    if (rest.length > 0) yield rest.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
