/**
 * One timer for every server's log file. A server writes a line at a time, each its own pipe read and
 * turn of the event loop, so writing at the end of each turn meant a file write per line, and a write
 * through rotating-file-stream costs the daemon ~70 µs of CPU (its promises, the thread pool, the
 * wake-up when it completes) where the line itself costs a few. At each tick, every file with lines
 * waiting writes them, in one write each.
 */

/** How long a line may wait for the disk; the ring and live followers have it at once. */
export const WRITE_TICK_MS = 250;

export class WriteTick {
  private readonly due = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly everyMs = WRITE_TICK_MS) {}

  /** Runs `write` at the next tick, once however often it is asked for meanwhile. */
  schedule(write: () => void): void {
    this.due.add(write);
    this.timer ??= setTimeout(() => this.run(), this.everyMs);
  }

  private run(): void {
    this.timer = undefined;
    const due = [...this.due];
    this.due.clear();
    for (const write of due) write();
  }
}
