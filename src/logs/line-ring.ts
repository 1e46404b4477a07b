/**
 * The last lines of one server, in three parallel arrays rather than an object per line: a line costs
 * no object of its own until someone reads it, so a chatty fleet gives the garbage collector less to
 * trace (100 servers × 1,000 lines would otherwise be 100,000 live objects). The arrays grow with the
 * lines up to the capacity and are then written over in place: a server that says little costs little.
 */
import type { LogLine, LogStream } from './server-logs.js';

export class LineRing {
  private readonly times: number[] = [];
  private readonly streams: LogStream[] = [];
  private readonly texts: string[] = [];
  /** Where the next line goes once the ring is full. */
  private next = 0;

  constructor(
    readonly server: string,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  push(time: number, stream: LogStream, text: string): void {
    if (this.texts.length < this.capacity) {
      this.times.push(time);
      this.streams.push(stream);
      this.texts.push(text);
      return;
    }
    this.times[this.next] = time;
    this.streams[this.next] = stream;
    this.texts[this.next] = text;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }

  get size(): number {
    return this.texts.length;
  }

  /** The newest `limit` lines, oldest first. */
  toArray(limit = this.size): LogLine[] {
    const size = this.size;
    const take = Math.max(0, Math.min(limit, size));
    const out: LogLine[] = [];
    for (let i = take; i > 0; i--) {
      const at = (this.next - i + size) % size;
      out.push({ time: this.times[at]!, server: this.server, stream: this.streams[at]!, text: this.texts[at]! });
    }
    return out;
  }
}
