/** A log file rotated by size, logrotate style: NAME, NAME.1 … NAME.(keep-1). */
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
  return stream;
}

export function closeStream(stream: RotatingFileStream): Promise<void> {
  return new Promise((resolve) => {
    stream.end(() => resolve());
    stream.once('error', () => resolve());
  });
}
