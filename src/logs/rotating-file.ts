/**
 * A log file rotated by size, logrotate style: NAME, NAME.1 … NAME.(files-1). Private (0600): logs hold
 * whatever a server prints, secrets included. Written synchronously, a tick's batch at a time: a
 * write(2) to the page cache costs a few µs, where a stream's write (rotating-file-stream's, which
 * this replaced) cost ~70 µs of promises, thread pool and completion wake-up per file per tick.
 */
import { closeSync, fchmodSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';

export interface RotationPolicy {
  size: string;
  files: number;
}

export const DEFAULT_ROTATION: RotationPolicy = { size: '10M', files: 5 };

const UNITS: Record<string, number> = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** `10M`, `512K`, `1G`, `4096B`: bytes. */
export function parseSize(size: string): number {
  const match = /^(\d+)([BKMG])$/.exec(size);
  if (!match) throw new RangeError(`a log size is a whole number and one of B, K, M, G, got "${size}"`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

export class RotatingFile {
  private fd: number;
  private size: number;
  private readonly maxBytes: number;

  /** Opens (creating) the file for appending; throws what the file system says. */
  constructor(
    readonly path: string,
    private readonly rotation: RotationPolicy = DEFAULT_ROTATION,
  ) {
    this.maxBytes = parseSize(rotation.size);
    this.fd = openPrivate(path);
    this.size = fstatSync(this.fd).size;
  }

  /**
   * Writes from `offset` on and returns how many bytes went: fewer than asked when the disk filled
   * (the next write throws ENOSPC). A file that has reached its size is rotated first.
   */
  write(bytes: Buffer, offset = 0): number {
    if (this.size >= this.maxBytes) this.rotate();
    const written = writeSync(this.fd, bytes, offset);
    this.size += written;
    return written;
  }

  close(): void {
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    this.fd = -1;
    for (let index = this.rotation.files - 1; index > 1; index--) renameIfThere(`${this.path}.${index - 1}`, `${this.path}.${index}`);
    if (this.rotation.files > 1) renameSync(this.path, `${this.path}.1`);
    this.fd = openPrivate(this.path, this.rotation.files > 1 ? 'a' : 'w');
    this.size = 0;
  }
}

/** `mode` applies only when a file is created: one left 0644 by an older orch is tightened too. */
function openPrivate(path: string, flags = 'a'): number {
  const fd = openSync(path, flags, 0o600);
  try {
    fchmodSync(fd, 0o600);
  } catch {
    // Best effort: a file we do not own stays as it is.
  }
  return fd;
}

function renameIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
