/**
 * Reads the Server-Sent Events the daemon's `/mcp/NAME` answers with: each `message` event's data is
 * one JSON-RPC message. Hand-written rather than a package: the gateway sends only `event`, `data`
 * and the occasional `id`, and `orch connect` must start in a few milliseconds.
 */
export interface SseReaderOptions {
  /** An event's data beyond this is refused whole, so a runaway stream cannot grow this process without bound. */
  maxEventBytes: number;
  onData: (data: string) => void;
}

export class SseReader {
  private pending = '';
  private data: string[] = [];
  private dataBytes = 0;
  private event = '';

  constructor(private readonly options: SseReaderOptions) {}

  /** Feeds decoded text; throws when one event outgrows the bound. */
  push(text: string): void {
    let start = 0;
    // Only the new text is searched: a large event arrives in many chunks before its line ends.
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const line = this.pending + text.slice(start, newline);
      this.pending = '';
      this.line(line.endsWith('\r') ? line.slice(0, -1) : line);
      start = newline + 1;
    }
    this.pending += text.slice(start);
    if (this.pending.length + this.dataBytes > this.options.maxEventBytes) {
      throw new Error(`an event from the daemon is over ${this.options.maxEventBytes} bytes`);
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'data') {
      this.data.push(value);
      this.dataBytes += value.length;
    } else if (field === 'event') {
      this.event = value;
    }
  }

  private dispatch(): void {
    const data = this.data.join('\n');
    const event = this.event;
    this.data = [];
    this.dataBytes = 0;
    this.event = '';
    // A priming event (an id and no data) carries nothing for the client.
    if (data !== '' && (event === '' || event === 'message')) this.options.onData(data);
  }
}
