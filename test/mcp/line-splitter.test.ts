import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/mcp/line-splitter.js';

function split(chunks: string[], maxLineBytes = 100) {
  const lines: string[] = [];
  const oversize: number[] = [];
  const splitter = new LineSplitter({ maxLineBytes, onLine: (l) => lines.push(l), onOversize: (b) => oversize.push(b) });
  for (const chunk of chunks) splitter.push(Buffer.from(chunk));
  splitter.end();
  return { lines, oversize };
}

describe('LineSplitter', () => {
  it('joins lines across chunks and strips CR', () => {
    expect(split(['ab', 'c\r\nde', 'f\n', 'tail']).lines).toEqual(['abc', 'def', 'tail']);
  });

  it('keeps multi-byte characters split across chunks intact', () => {
    const bytes = Buffer.from('é→\n');
    const splitter: string[] = [];
    const s = new LineSplitter({ maxLineBytes: 100, onLine: (l) => splitter.push(l), onOversize: () => {} });
    s.push(bytes.subarray(0, 1));
    s.push(bytes.subarray(1));
    expect(splitter).toEqual(['é→']);
  });

  it('keeps a partial line whole when its reader reuses the buffer for the next chunk', () => {
    const lines: string[] = [];
    const s = new LineSplitter({ maxLineBytes: 100, onLine: (l) => lines.push(l), onOversize: () => {} });
    const shared = Buffer.alloc(8);
    const read = (text: string) => s.push(shared.subarray(0, shared.write(text)));
    read('one\ntw');
    read('o\nthr');
    read('ee\n');
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('drops a line over the cap whole, reports its size, and goes on', () => {
    const { lines, oversize } = split(['short\n', 'x'.repeat(60), 'x'.repeat(60), '\nafter\n'], 100);
    expect(lines).toEqual(['short', 'after']);
    expect(oversize).toEqual([120]);
  });

  it('splits a chunk of many whole lines, empty ones and CRLF included, as a pipe delivers them', () => {
    expect(split(['one\r\n\ntwo\nthree\r\n']).lines).toEqual(['one', '', 'two', 'three']);
    expect(split(['\r\n', 'a\rb\n']).lines).toEqual(['', 'a\rb']);
  });

  it('keeps a line of exactly the cap, drops one byte more, whether it came whole or in parts', () => {
    const cap = 'x'.repeat(100);
    expect(split([`${cap}\n${cap}x\nok\n`])).toEqual({ lines: [cap, 'ok'], oversize: [101] });
    expect(split([cap.slice(0, 50), `${cap.slice(50)}\n`, `${cap}x`, '\nok\n'])).toEqual({ lines: [cap, 'ok'], oversize: [101] });
  });

  it('finishes a held part with the first line of the next chunk, then takes the rest whole', () => {
    expect(split(['par', 'tial\nwhole\nnext', ' one\n']).lines).toEqual(['partial', 'whole', 'next one']);
  });
});
