/** Servers' stderr read a tick at a time while they write steadily, at once when they were quiet, and as fast as they flood. */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { LogTick } from '../../src/logs/log-tick.js';
import { IDLE_TICKS, PipeReader } from '../../src/logs/pipe-reader.js';
import { eventually } from '../support/orchestrator.js';

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A child running `script` with its stderr piped, read through `reader`. */
function writer(reader: PipeReader, script: string) {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let said = '';
  child.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const received: { at: number; text: string }[] = [];
  let ended = false;
  // The reader may hand over a view of a buffer it reuses: decoded here, within the call.
  const drain = reader.read(child.stderr, (chunk) => received.push({ at: performance.now(), text: chunk.toString() }));
  child.stderr.on('end', () => (ended = true));
  return { child, received, drain, text: () => received.map((r) => r.text).join(''), ended: () => ended, said: () => said };
}

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join('');

describe('PipeReader', () => {
  it('reads a quiet pipe at once, a steady one a tick at a time, in order and whole, to its end', async () => {
    const tickMs = 300;
    const reader = new PipeReader(new LogTick(tickMs));
    // A line every 20 ms after a first one: all but the first wait for a tick, several to a read.
    const w = writer(reader, `let n = 1; process.stderr.write('line 1\\n'); const t = setInterval(() => { process.stderr.write('line ' + ++n + '\\n'); if (n === 40) { clearInterval(t); } }, 20);`);
    await eventually(() => w.ended(), 5_000, 'the end of the pipe');
    expect(w.text()).toBe(lines(1, 40));
    expect(w.received[0]!.text).toBe('line 1\n');
    // ~800 ms of lines: one read at first, then a few per tick, not forty.
    expect(w.received.length).toBeLessThan(10);
  });

  it('gives a pipe back to the event loop once it stays empty, so its next line comes at once', async () => {
    const tickMs = 400;
    const reader = new PipeReader(new LogTick(tickMs));
    const quietMs = tickMs * (IDLE_TICKS + 1);
    // Each line carries the time it was written (one clock for both processes: Date.now()).
    const w = writer(reader, `const say = (text) => process.stderr.write(text + ' ' + Date.now() + '\\n'); say('a'); setTimeout(() => say('b'), 10); setTimeout(() => say('c'), ${quietMs}); setTimeout(() => {}, ${quietMs + 500});`);
    await eventually(() => w.text().includes('c '), 10_000, 'three lines');
    const [a, b, c] = w.text().trim().split('\n').map((line) => Number(line.split(' ')[1]));
    const readAt = Date.now() - (performance.now() - w.received.at(-1)!.at);
    expect(b! - a!).toBeLessThan(tickMs);
    // b waited for a tick; c, after the pipe went back, did not.
    expect(readAt - c!).toBeLessThan(tickMs / 2);
  });

  it('drains a flood as fast as it comes, however small the reads that keep up with it', async () => {
    const reader = new PipeReader(new LogTick(200));
    const total = 64_000_000;
    // Small writes: the reads that keep up with them are small too.
    const w = writer(reader, `const line = 'x'.repeat(99) + '\\n'; let left = ${total / 100}; const go = () => { while (left > 0) { left--; if (!process.stderr.write(line)) return process.stderr.once('drain', go); } }; go();`);
    const began = performance.now();
    await eventually(() => w.ended(), 30_000, 'the end of the flood');
    const received = w.received.reduce((sum, r) => sum + r.text.length, 0);
    expect(received).toBe(total);
    // A tick at a time, 64 KiB per 200 ms, would take 200 s.
    expect(performance.now() - began).toBeLessThan(20_000);
  }, 40_000);

  it('drain reads at once what the pipe holds, before any tick', async () => {
    const reader = new PipeReader(new LogTick(60_000));
    // The child says on stdout when its last words are in the pipe.
    const w = writer(reader, `process.stderr.write('first\\n'); setTimeout(() => process.stderr.write('last words\\n', () => process.stdout.write('written')), 100); setTimeout(() => {}, 5_000);`);
    await eventually(() => w.text() === 'first\n', 2_000, 'the first line');
    await eventually(() => w.said() === 'written', 2_000, 'the last words written');
    // Held for a tick a minute away: only drain can read it now.
    expect(w.text()).toBe('first\n');
    w.drain();
    expect(w.text()).toBe('first\nlast words\n');
  });
});
