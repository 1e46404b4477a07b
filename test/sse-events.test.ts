import { describe, expect, it } from 'vitest';
import { SseParser, sseEvents, type SseEvent } from '../src/sse-events.js';

function parse(chunks: string[], maxEventBytes = 1_000): SseEvent[] {
  const parser = new SseParser(maxEventBytes);
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('SseParser', () => {
  it('completes each event across chunks and CRLF, named message when the stream names none', () => {
    expect(parse(['event: message\r\ndata: {"a"', ':1}\r\n\r\nevent: endpoint\ndata: /post?s=1\n', '\n', 'data: {"b":2}\n\n'])).toEqual([
      { event: 'message', data: '{"a":1}' },
      { event: 'endpoint', data: '/post?s=1' },
      { event: 'message', data: '{"b":2}' },
    ]);
  });

  it('joins multi-line data', () => {
    expect(parse(['data: {\ndata: "a": 1\ndata: }\n\n'])).toEqual([{ event: 'message', data: '{\n"a": 1\n}' }]);
  });

  it('skips comments and events without data; an empty data line is an event with empty data', () => {
    expect(parse([': keep-alive\n\nid: 7\n\nid: 8\ndata:\n\nevent: other\ndata: x\n\n'])).toEqual([
      { event: 'message', data: '' },
      { event: 'other', data: 'x' },
    ]);
  });

  it('refuses an event over the bound', () => {
    expect(() => parse(['data: ', 'x'.repeat(600), 'x'.repeat(600)])).toThrow(/over 1000 bytes/);
  });
});

describe('sseEvents', () => {
  it('reads the events of a body until it ends', async () => {
    const body = new Response('data: a\n\nevent: endpoint\ndata: b\n\n').body!;
    const events: SseEvent[] = [];
    for await (const event of sseEvents(body, 1_000)) events.push(event);
    expect(events).toEqual([
      { event: 'message', data: 'a' },
      { event: 'endpoint', data: 'b' },
    ]);
  });
});
