/** The bin's entry: the full CLI (cac and every verb's definition) loads only for what the fast path does not answer. */
import { runFastPath } from './fast-path.js';

if (!(await runFastPath(process.argv))) await (await import('./cli.js')).runCLI(process.argv);
