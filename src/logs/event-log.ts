/** Every transition, as one JSON line in `$ORCH_HOME/events.jsonl` (rotated) and in a ring of recent ones. */
import { LogFile } from '../storage/log-file.js';
import type { StorageProblems } from '../storage/problems.js';
import type { Transition } from '../transitions.js';
import { RingBuffer } from './ring-buffer.js';

export class EventLog {
  private readonly recent: RingBuffer<Transition>;
  private readonly file: LogFile | undefined;

  constructor(options: { path?: string; ringSize?: number; problems?: StorageProblems } = {}) {
    this.recent = new RingBuffer(options.ringSize ?? 1_000);
    this.file =
      options.path === undefined
        ? undefined
        : new LogFile(options.path, {
            problems: options.problems,
            notice: ({ count, reason }) => `${JSON.stringify({ time: new Date().toISOString(), dropped: count, reason })}\n`,
          });
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
    await this.file?.close();
  }
}
