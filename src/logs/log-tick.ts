/**
 * One timer for every server's log work: reading the pipes of chatty servers (`PipeReader`) and
 * writing every log file (`LogFile`). A server writes a line at a time, each its own turn of the event
 * loop, so doing either per line meant a pipe read and a file write per line, each far dearer than
 * the line itself. At each tick, every job due runs once; jobs asked for during a run wait for the
 * next tick, so a tick's reads reach the disk at the next one.
 */

/**
 * How long a line of a chatty server may wait to be read, and then to be written. A server that was
 * quiet has its first line read at once; the live tail of one writing steadily runs this far behind.
 */
export const LOG_TICK_MS = 500;

export class LogTick {
  private readonly due = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly everyMs = LOG_TICK_MS) {}

  /** Runs `job` at the next tick, once however often it is asked for meanwhile. */
  schedule(job: () => void): void {
    this.due.add(job);
    this.timer ??= setTimeout(() => this.run(), this.everyMs);
  }

  private run(): void {
    this.timer = undefined;
    const due = [...this.due];
    this.due.clear();
    for (const job of due) job();
  }
}
