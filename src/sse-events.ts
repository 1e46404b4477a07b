/**
 * Server-Sent Events with their event names: a Streamable HTTP answer is `message` events, and the
 * old HTTP+SSE transport first sends an `endpoint` event saying where to post. Only `event` and
 * `data` matter here. Every event is bounded, so a stream without end cannot grow the reader.
 * Pushed (`orch connect` reading the daemon's answers, the proxy watching a remote's stream past) or
 * pulled (a probe reads one). Hand-written rather than a package: `orch connect` must start in a few
 * milliseconds.
 */
export interface SseEvent {
  /** `message` when the stream names none. */
  event: string;
  data: string;
}

export class SseParser {
  private pending = '';
  private data: string[] = [];
  private size = 0;
  private event = '';

  constructor(private readonly maxEventBytes: number) {}

  /** Decoded text in, the events it completes out; throws when one event outgrows the bound. */
  push(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    // Only the new text is searched: a large event arrives in many chunks before its line ends.
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const line = this.pending + text.slice(start, newline);
      this.pending = '';
      start = newline + 1;
      const event = this.line(line.endsWith('\r') ? line.slice(0, -1) : line);
      if (event) events.push(event);
    }
    this.pending += text.slice(start);
    if (this.pending.length + this.size > this.maxEventBytes) throw new Error(`an event is over ${this.maxEventBytes} bytes`);
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') {
      const event = this.data.length > 0 ? { event: this.event || 'message', data: this.data.join('\n') } : undefined;
      this.data = [];
      this.size = 0;
      this.event = '';
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'data') {
      this.data.push(value);
      this.size += value.length;
    } else if (field === 'event') {
      this.event = value;
    }
    return undefined;
  }
}

/** The events of a fetch body until it ends; leaving the loop early cancels the body. */
export async function* sseEvents(body: ReadableStream<Uint8Array>, maxEventBytes: number): AsyncGenerator<SseEvent> {
  const parser = new SseParser(maxEventBytes);
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      yield* parser.push(decoder.decode(chunk.value, { stream: true }));
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
