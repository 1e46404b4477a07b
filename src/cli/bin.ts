import { runCLI } from './cli.js';

await runCLI(process.argv);
