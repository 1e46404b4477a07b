#!/usr/bin/env node
import { runCLI } from '../dist/src/cli/cli.js';

await runCLI(process.argv);
