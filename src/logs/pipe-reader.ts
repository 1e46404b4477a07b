/**
 * Reading servers' stderr without a wake-up per line. Through its stream, every line a server writes
 * is a pipe read of its own (an epoll wake, a 64 KiB buffer, the stream's events): ~80–130 µs of
 * daemon CPU on a small VM, where handling the line costs a few. So a pipe that has just given a
 * little is taken out of the event loop and read at the next `LogTick` with every other such pipe,
 * one read(2) each into one shared buffer. A pipe that stays empty for `IDLE_TICKS` goes back to the
 * event loop, so a quiet server costs nothing and its next line is read at once. One that gives
 * `FLOOD_BYTES` in a read (a flood) goes back at once and stays there until a tick passes with less,
 * so it drains as fast as it is written however small the reads that keep up with it.
 *
 * Node has no public way to stop a child's pipe from being read: this uses the stream's libuv handle
 * (`readStop`, `readStart`, `fd`). A stream without one is read the ordinary way.
 */
import { readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { LogTick } from './log-tick.js';

/** Empty ticks after which a pipe is left to the event loop again. */
export const IDLE_TICKS = 4;
/** This much in a read, or in a tick's reads, is a flood: the event loop drains it without waiting. */
export const FLOOD_BYTES = 16 * 1024;
const BUFFER_BYTES = 64 * 1024;
/** What `drain` reads at most: a server's last words, not a flood its grandchildren keep up. */
const DRAIN_BYTES = 1024 * 1024;

interface PipeHandle {
  fd: number;
  readStart(): number;
  readStop(): number;
}

interface Pipe {
  stream: Readable;
  handle: PipeHandle;
  onData: (chunk: Buffer) => void;
  idle: number;
  /** Bytes read by the event loop since the last tick, while the pipe is flooding. */
  flooded: number;
}

export class PipeReader {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  /** Pipes out of the event loop, read at each tick. */
  private readonly held = new Set<Pipe>();
  /** Pipes left to the event loop while they flood, looked at each tick. */
  private readonly flooding = new Set<Pipe>();
  private readonly onTick = () => this.run();

  constructor(private readonly tick: LogTick) {}

  /**
   * Gives every chunk of `stream` to `onData`, in order, until the stream closes. A chunk may be a view
   * of a buffer the next read reuses: keep a copy of what must outlive the call. Returns `drain`,
   * which reads at once what the pipe holds: when the server exits, its last lines must not wait for
   * a tick, by which time its streams may be gone.
   */
  read(stream: Readable, onData: (chunk: Buffer) => void): () => void {
    const handle = pipeHandle(stream);
    const pipe = handle && { stream, handle, onData, idle: 0, flooded: 0 };
    stream.on('data', (chunk: Buffer) => {
      onData(chunk);
      if (!pipe || stream.destroyed) return;
      if (this.flooding.has(pipe)) pipe.flooded += chunk.length;
      else if (chunk.length >= FLOOD_BYTES) this.flood(pipe, chunk.length);
      else if (handle.readStop() === 0) this.hold(pipe);
    });
    if (!pipe) return () => {};
    stream.once('close', () => {
      this.held.delete(pipe);
      this.flooding.delete(pipe);
    });
    return () => this.drain(pipe);
  }

  /** Reads whatever the pipe holds, in or out of the event loop: either way nothing is read twice or out of order. */
  private drain(pipe: Pipe): void {
    for (let total = 0; total < DRAIN_BYTES; ) {
      const bytes = this.readOnce(pipe);
      if (!bytes) return;
      total += bytes;
    }
  }

  private hold(pipe: Pipe): void {
    pipe.idle = 0;
    this.held.add(pipe);
    this.tick.schedule(this.onTick);
  }

  private flood(pipe: Pipe, bytes: number): void {
    pipe.flooded = bytes;
    this.flooding.add(pipe);
    this.tick.schedule(this.onTick);
  }

  private run(): void {
    for (const pipe of this.flooding) {
      if (pipe.flooded < FLOOD_BYTES) this.flooding.delete(pipe);
      pipe.flooded = 0;
    }
    for (const pipe of this.held) {
      const bytes = this.readOnce(pipe);
      if (bytes === 0) {
        pipe.idle += 1;
        if (pipe.idle < IDLE_TICKS) continue;
      } else if (bytes !== undefined && bytes < FLOOD_BYTES) {
        pipe.idle = 0;
        continue;
      }
      this.held.delete(pipe);
      if (pipe.stream.destroyed) continue;
      pipe.handle.readStart();
      if (bytes !== undefined && bytes >= FLOOD_BYTES) this.flood(pipe, bytes);
    }
    if (this.held.size > 0 || this.flooding.size > 0) this.tick.schedule(this.onTick);
  }

  /** One read: the bytes it gave (0: none yet), or undefined at the pipe's end or an error, or once the stream is gone. */
  private readOnce(pipe: Pipe): number | undefined {
    if (pipe.stream.destroyed) return undefined;
    let bytes: number;
    try {
      bytes = readSync(pipe.handle.fd, this.buffer, 0, BUFFER_BYTES, null);
    } catch (error) {
      // EAGAIN: nothing written since. Anything else the stream meets again, and reports, on its own.
      return (error as NodeJS.ErrnoException).code === 'EAGAIN' ? 0 : undefined;
    }
    // 0 is the end of the pipe: the stream reads it itself and ends.
    if (bytes === 0) return undefined;
    pipe.onData(this.buffer.subarray(0, bytes));
    return pipe.stream.destroyed ? undefined : bytes;
  }
}

function pipeHandle(stream: Readable): PipeHandle | undefined {
  const handle = (stream as Readable & { _handle?: Partial<PipeHandle> })._handle;
  const usable = handle && typeof handle.fd === 'number' && handle.fd >= 0 && typeof handle.readStop === 'function' && typeof handle.readStart === 'function';
  return usable ? (handle as PipeHandle) : undefined;
}
