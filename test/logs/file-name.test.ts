/** logFileName: readable, injective, and always one safe file name within the length limit. */
import { describe, expect, it } from 'vitest';
import { logFileName, MAX_LOG_FILE_NAME_BYTES } from '../../src/logs/file-name.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Every property a log file name must have, whatever the server is called. */
function expectSafe(file: string): void {
  expect(file).toMatch(/^[A-Za-z0-9_%~][A-Za-z0-9_.%~-]*\.log$/);
  expect(file).not.toMatch(/[/\\\0]/);
  expect(['.', '..']).not.toContain(file);
  expect(file.startsWith('.')).toBe(false);
  expect(bytes(file)).toBeLessThanOrEqual(MAX_LOG_FILE_NAME_BYTES);
  expect(bytes(`${file}.99`)).toBeLessThanOrEqual(255);
}

/** A small seeded generator, so a failure names the names that caused it. */
function randomNames(seed: number, count: number): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state;
  };
  const alphabet = ['a', 'B', '0', '_', '-', '.', '%', '2', 'F', '~', '/', ' ', 'ü', '😀', '\\', '#', '?'];
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + (next() % 12) }, () => alphabet[next() % alphabet.length]).join(''),
  );
}

describe('logFileName', () => {
  it('keeps readable names readable', () => {
    expect(logFileName('memory')).toBe('memory.log');
    expect(logFileName('server-memory_2')).toBe('server-memory_2.log');
    expect(logFileName('orchestrator')).toBe('orchestrator.log');
    expect(logFileName('__proto__')).toBe('__proto__.log');
    expect(logFileName('github.com/owner/repo')).toBe('github.com%2Fowner%2Frepo.log');
  });

  it('percent-encodes every other byte, % and ~ included', () => {
    expect(logFileName('x y')).toBe('x%20y.log');
    expect(logFileName('ü')).toBe('%C3%BC.log');
    expect(logFileName('a%2Fb')).toBe('a%252Fb.log');
    expect(logFileName('a~b')).toBe('a%7Eb.log');
    expect(logFileName('a\\b')).toBe('a%5Cb.log');
  });

  it('is never . or .., hidden, or option-like', () => {
    expect(logFileName('.')).toBe('%2E.log');
    expect(logFileName('..')).toBe('%2E..log');
    expect(logFileName('.env')).toBe('%2Eenv.log');
    expect(logFileName('-rf')).toBe('%2Drf.log');
    expect(logFileName('a.')).toBe('a..log');
  });

  it('decodes back to the name when it is not cut', () => {
    for (const name of ['memory', 'a/b', '..', '.x', '-x', 'x y', 'ü😀', '100%', 'a~b', 'q?#&=']) {
      expect(decodeURIComponent(logFileName(name).slice(0, -'.log'.length))).toBe(name);
    }
  });

  it('gives a 300-character or 300 × ü name a file: cut, hashed, still starting with the name', () => {
    const long = logFileName('x'.repeat(300));
    expect(long).toMatch(/^x{203}~[0-9a-f]{32}\.log$/);
    expectSafe(long);
    const umlauts = logFileName('ü'.repeat(300));
    expect(umlauts).toMatch(/^(%C3%BC)+~[0-9a-f]{32}\.log$/);
    expectSafe(umlauts);
  });

  it('cuts between characters, never inside a character or its %XX escapes', () => {
    for (let pad = 0; pad < 6; pad += 1) {
      expect(logFileName('a'.repeat(pad) + 'ü'.repeat(200))).toMatch(/^a*(%C3%BC)+~[0-9a-f]{32}\.log$/);
      expect(logFileName('a'.repeat(pad) + '😀'.repeat(100))).toMatch(/^a*(%F0%9F%98%80)+~[0-9a-f]{32}\.log$/);
    }
  });

  it('names that differ only past the cut, or only by what the cut keeps, get different files', () => {
    const base = 'x'.repeat(300);
    expect(logFileName(`${base}a`)).not.toBe(logFileName(`${base}b`));
    expect(logFileName('x'.repeat(236))).toBe(`${'x'.repeat(236)}.log`);
    expect(logFileName('x'.repeat(237))).not.toBe(logFileName('x'.repeat(238)));
    expect(logFileName('x'.repeat(237))).toMatch(/~/);
  });

  it('no two names share a file: look-alikes, encodings of each other, and 5,000 random names', () => {
    const names = [
      'a b', 'a%20b', 'a_b', 'a-b', 'a.b', '.a', '%2Ea', '-a', '%2Da', '.', '..', '%2E', '%2E.', '~', '%7E',
      'ü', '%C3%BC', 'x'.repeat(300), `${'x'.repeat(203)}~`, 'ü'.repeat(300), `${'ü'.repeat(299)}u`,
      ...randomNames(42, 5_000),
    ];
    const unique = [...new Set(names)];
    const files = new Map<string, string>();
    for (const name of unique) {
      const file = logFileName(name);
      expectSafe(file);
      const other = files.get(file);
      if (other !== undefined) throw new Error(`${JSON.stringify(name)} and ${JSON.stringify(other)} share ${file}`);
      files.set(file, name);
    }
    expect(files.size).toBe(unique.length);
  });

  it('is a pure function of the name', () => {
    expect(logFileName('x'.repeat(300))).toBe(logFileName('x'.repeat(300)));
  });
});
