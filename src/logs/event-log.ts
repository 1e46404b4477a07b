/** Every transition, as one JSON line in `$ORCH_HOME/events.jsonl` (rotated) and in a ring of recent ones. */
import type { RotatingFileStream } from 'rotating-file-stream';
import type { Transition } from '../transitions.js';
import { RingBuffer } from './ring-buffer.js';
import { closeStream, openRotatingFile } from './rotating-file.js';

export class EventLog {
  private readonly recent: RingBuffer<Transition>;
  private readonly file: RotatingFileStream | undefined;

  constructor(options: { path?: string; ringSize?: number } = {}) {
    this.recent = new RingBuffer(options.ringSize ?? 1_000);
    this.file = options.path ? openRotatingFile(options.path) : undefined;
  }

  append(transition: Transition): void {
    this.recent.push(transition);
    const { time, ...rest } = transition;
    this.file?.write(`${JSON.stringify({ time: new Date(time).toISOString(), ...rest })}\n`);
  }

  /** The newest transitions, oldest first; for one server when `server` is given. */
  list(options: { server?: string; limit?: number } = {}): Transition[] {
    const all = this.recent.toArray();
    const matching = options.server ? all.filter((t) => t.server === options.server) : all;
    return options.limit === undefined ? matching : matching.slice(-options.limit);
  }

  async close(): Promise<void> {
    if (this.file) await closeStream(this.file);
  }
}
