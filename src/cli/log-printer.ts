/** How `orch logs` prints a line: as the file has it, after a coloured `name |` when servers are interleaved, or as JSON. */
import { colors } from 'consola/utils';
import { formatLogLine, type LogLine } from '../logs/server-logs.js';

const PALETTE = [colors.cyan, colors.magenta, colors.yellow, colors.green, colors.blue, colors.red];
/** A very long name is not padded to: the text keeps its place for every other server. */
const MAX_PREFIX_WIDTH = 24;

export interface PrinterOptions {
  json: boolean;
  prefixed: boolean;
  /** The servers that may appear: the prefix is as wide as the longest, and colours follow their order. */
  names: string[];
  color: boolean;
}

export function linePrinter(
  options: PrinterOptions,
  write: (text: string) => unknown = (text) => process.stdout.write(text),
): (line: LogLine) => void {
  if (options.json) {
    return (line) => write(`${JSON.stringify({ time: new Date(line.time).toISOString(), server: line.server, stream: line.stream, text: line.text })}\n`);
  }
  if (!options.prefixed) return (line) => write(formatLogLine(line));
  const width = Math.min(MAX_PREFIX_WIDTH, Math.max(0, ...options.names.map((name) => name.length)));
  const colorOf = (name: string) => {
    const index = options.names.indexOf(name);
    return PALETTE[(index < 0 ? options.names.length : index) % PALETTE.length]!;
  };
  return (line) => {
    const prefix = `${line.server.padEnd(width)} |`;
    write(`${options.color ? colorOf(line.server)(prefix) : prefix} ${formatLogLine(line)}`);
  };
}
