/**
 * A log file rotated by size, logrotate style: NAME, NAME.1 … NAME.(keep-1). Private (0600): logs hold
 * whatever a server prints, secrets included.
 */
import { chmodSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

export interface RotationPolicy {
  size: string;
  files: number;
}

export const DEFAULT_ROTATION: RotationPolicy = { size: '10M', files: 5 };

export function openRotatingFile(path: string, rotation: RotationPolicy = DEFAULT_ROTATION): RotatingFileStream {
  const name = basename(path);
  const stream = createStream((index: number | Date | null) => (typeof index === 'number' && index > 0 ? `${name}.${index}` : name), {
    path: dirname(path),
    size: rotation.size,
    rotate: rotation.files - 1,
    mode: 0o600,
  });
  // A full disk must not take the supervisor down; the log is best effort.
  stream.on('error', () => {});
  // `mode` applies only when a file is created: a file left 0644 by an older orch is tightened on every
  // (re)open, before anything more is written. Best effort: a file we do not own stays as it is.
  stream.on('open', (filename: string) => {
    try {
      chmodSync(filename, 0o600);
    } catch {}
  });
  return stream;
}

export function closeStream(stream: RotatingFileStream): Promise<void> {
  return new Promise((resolve) => {
    stream.end(() => resolve());
    stream.once('error', () => resolve());
  });
}
