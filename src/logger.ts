/** orch's own logger: consola on the terminal, and the same lines, uncoloured, in orchestrator.log. */
import { formatWithOptions, stripVTControlCharacters } from 'node:util';
import type { ConsolaInstance, ConsolaReporter } from 'consola';
import { LogFile } from './storage/log-file.js';
import type { StorageProblems } from './storage/problems.js';

export interface OrchLogger {
  logger: ConsolaInstance;
  close(): Promise<void>;
}

export async function createOrchLogger(
  options: { file?: string; terminal?: boolean; problems?: StorageProblems } = {},
): Promise<OrchLogger> {
  // Without a terminal, consola's core: its reporters for terminals cost a background daemon ~17 ms of boot.
  const { createConsola } = options.terminal === false ? await import('consola/core') : await import('consola');
  // One stream, so warnings and successes stay in order when the log is piped.
  // An explicit level: consola would drop to warnings only when it guesses it runs under a test runner.
  const logger = createConsola({ level: 3, formatOptions: { date: true }, stdout: process.stdout, stderr: process.stdout });
  if (!options.file) return { logger, close: async () => {} };

  const file = new LogFile(options.file, {
    problems: options.problems,
    notice: ({ count, reason }) => `${new Date().toISOString()} warn ${count} lines of this log dropped: ${reason}\n`,
  });
  const fileReporter: ConsolaReporter = {
    log(entry) {
      const text = stripVTControlCharacters(formatWithOptions({ colors: false }, ...entry.args));
      const tag = entry.tag ? ` [${entry.tag}]` : '';
      file.write(`${entry.date.toISOString()} ${entry.type}${tag} ${text}\n`);
    },
  };
  logger.addReporter(fileReporter);
  return { logger, close: () => file.close() };
}
