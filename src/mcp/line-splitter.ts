/**
 * Splits a byte stream into newline-terminated lines with a hard cap per line, so a child that never
 * prints a newline cannot make orch buffer without bound. An over-long line is dropped whole and reported.
 * A chunk may be a view of a buffer its reader reuses (`PipeReader`): what is kept past `push` is copied.
 */
export interface LineSplitterOptions {
  maxLineBytes: number;
  onLine: (line: string) => void;
  onOversize: (bytes: number) => void;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private bytes = 0;
  private discarding = false;

  constructor(private readonly options: LineSplitterOptions) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      if (this.bytes === 0 && !this.discarding) this.emit(chunk, start, newline);
      else {
        this.hold(chunk.subarray(start, newline));
        this.flush();
      }
      start = newline + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  /** Emits what is left when the stream ends without a final newline. */
  end(): void {
    if (this.bytes > 0 || this.discarding) this.flush();
  }

  /** A line whole within one chunk (most are): decoded where it lies, with no copy or view of its bytes. */
  private emit(chunk: Buffer, start: number, end: number): void {
    if (end - start > this.options.maxLineBytes) return this.options.onOversize(end - start);
    this.options.onLine(chunk.toString('utf8', start, end > start && chunk[end - 1] === 13 ? end - 1 : end));
  }

  private hold(part: Buffer): void {
    this.bytes += part.length;
    if (this.discarding) return;
    if (this.bytes > this.options.maxLineBytes) {
      this.discarding = true;
      this.parts = [];
      return;
    }
    if (part.length > 0) this.parts.push(Buffer.from(part));
  }

  private flush(): void {
    const { bytes, discarding, parts } = this;
    this.parts = [];
    this.bytes = 0;
    this.discarding = false;
    if (discarding) {
      this.options.onOversize(bytes);
      return;
    }
    const line = (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString('utf8');
    this.options.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
