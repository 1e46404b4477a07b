import { describe, expect, it } from 'vitest';
import { SseReader } from '../../src/connect/sse.js';

function read(chunks: string[], maxEventBytes = 1_000) {
  const data: string[] = [];
  const reader = new SseReader({ maxEventBytes, onData: (d) => data.push(d) });
  for (const chunk of chunks) reader.push(chunk);
  return data;
}

describe('SseReader', () => {
  it('hands over each message event, joined across chunks and CRLF', () => {
    expect(read(['event: message\r\ndata: {"a"', ':1}\r\n\r\nevent: message\ndata: {"b":2}\n', '\n'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('joins multi-line data and takes an event without a name as a message', () => {
    expect(read(['data: {\ndata: "a": 1\ndata: }\n\n'])).toEqual(['{\n"a": 1\n}']);
  });

  it('skips comments, priming events with no data, and other event types', () => {
    expect(read([': keep-alive\n\nid: 7\ndata:\n\nevent: other\ndata: x\n\nid: 8\nevent: message\ndata: y\n\n'])).toEqual(['y']);
  });

  it('refuses an event over the bound', () => {
    expect(() => read(['data: ', 'x'.repeat(600), 'x'.repeat(600)])).toThrow(/over 1000 bytes/);
  });
});
