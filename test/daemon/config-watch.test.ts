/** watchConfig: one call per change, whichever way an editor saves, and it survives what happens to the file. */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchConfig } from '../../src/daemon/config-watch.js';

const DEBOUNCE_MS = 50;
let dir: string;
let path: string;
let stops: (() => void)[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-watch-'));
  path = join(dir, 'mcp.json');
  writeFileSync(path, '{"v":0}');
  stops = [];
});
afterEach(() => {
  for (const stop of stops) stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a watch that records what the file held at each call. */
function watching(file = path, options: { retryMs?: number; onChange?: () => void } = {}) {
  const seen: (string | undefined)[] = [];
  const stop = watchConfig(
    file,
    () => {
      seen.push(readOrUndefined(file));
      options.onChange?.();
    },
    { debounceMs: DEBOUNCE_MS, retryMs: options.retryMs },
  );
  stops.push(stop);
  const waitForCalls = (count: number) => vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(count), { timeout: 5_000, interval: 10 });
  return { seen, stop, waitForCalls };
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

describe('watchConfig', () => {
  it('an edit in place (truncate, then write) is one call', async () => {
    const { seen, waitForCalls } = watching();
    writeFileSync(path, '');
    appendFileSync(path, '{"v":1}');
    await waitForCalls(1);
    // A second, distinct edit: had the first produced two calls, the list would show it.
    writeFileSync(path, '{"v":2}');
    await waitForCalls(2);
    expect(seen).toEqual(['{"v":1}', '{"v":2}']);
  });

  it('an edit by rename (write a temporary file, rename it over) is one call', async () => {
    const { seen, waitForCalls } = watching();
    const temporary = join(dir, '.mcp.json.swp');
    writeFileSync(temporary, '{"v":1}');
    renameSync(temporary, path);
    await waitForCalls(1);
    writeFileSync(temporary, '{"v":2}');
    renameSync(temporary, path);
    await waitForCalls(2);
    expect(seen).toEqual(['{"v":1}', '{"v":2}']);
  });

  it('other files in the folder, a touch and a save without edits are not changes', async () => {
    const { seen, waitForCalls } = watching();
    writeFileSync(join(dir, 'other.json'), 'x');
    utimesSync(path, new Date(), new Date());
    writeFileSync(path, '{"v":0}');
    await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS * 4));
    writeFileSync(path, '{"v":1}');
    await waitForCalls(1);
    expect(seen).toEqual(['{"v":1}']);
  });

  it('a deleted file is a change, and so is the file written again', async () => {
    const { seen, waitForCalls } = watching();
    rmSync(path);
    await waitForCalls(1);
    writeFileSync(path, '{"v":1}');
    await waitForCalls(2);
    expect(seen).toEqual([undefined, '{"v":1}']);
  });

  it('a folder that does not exist yet, or is removed and made again, is watched once it is there', async () => {
    const later = join(dir, 'later', 'mcp.json');
    const { seen, waitForCalls } = watching(later, { retryMs: 20 });
    mkdirSync(join(dir, 'later'));
    writeFileSync(later, '{"v":1}');
    await waitForCalls(1);
    rmSync(join(dir, 'later'), { recursive: true });
    await waitForCalls(2);
    mkdirSync(join(dir, 'later'));
    writeFileSync(later, '{"v":2}');
    await waitForCalls(3);
    expect(seen).toEqual(['{"v":1}', undefined, '{"v":2}']);
  });

  it('a callback that throws does not end the watch', async () => {
    const { seen, waitForCalls } = watching(path, {
      onChange: () => {
        throw new Error('reload failed');
      },
    });
    writeFileSync(path, '{"v":1}');
    await waitForCalls(1);
    writeFileSync(path, '{"v":2}');
    await waitForCalls(2);
    expect(seen).toEqual(['{"v":1}', '{"v":2}']);
  });

  it('stops calling once stopped', async () => {
    const { seen, stop } = watching();
    stop();
    writeFileSync(path, '{"v":1}');
    await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS * 4));
    expect(seen).toEqual([]);
  });
});
