/**
 * The last lines of one server, in arrays allocated once: a line costs no object of its own until
 * someone reads it, so a chatty fleet gives the garbage collector less to trace (100 servers × 1,000
 * lines would otherwise be 100,000 live objects).
 */
import type { LogLine, LogStream } from './server-logs.js';

export class LineRing {
  private readonly times: Float64Array;
  private readonly streams: LogStream[];
  private readonly texts: string[];
  private next = 0;
  private count = 0;

  constructor(
    readonly server: string,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.times = new Float64Array(capacity);
    this.streams = new Array<LogStream>(capacity).fill('stderr');
    this.texts = new Array<string>(capacity).fill('');
  }

  push(time: number, stream: LogStream, text: string): void {
    this.times[this.next] = time;
    this.streams[this.next] = stream;
    this.texts[this.next] = text;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.count < this.capacity) this.count += 1;
  }

  get size(): number {
    return this.count;
  }

  /** The newest `limit` lines, oldest first. */
  toArray(limit = this.count): LogLine[] {
    const take = Math.max(0, Math.min(limit, this.count));
    const out: LogLine[] = [];
    for (let i = take; i > 0; i--) {
      const at = (this.next - i + this.capacity) % this.capacity;
      out.push({ time: this.times[at]!, server: this.server, stream: this.streams[at]!, text: this.texts[at]! });
    }
    return out;
  }
}
