#!/usr/bin/env node
import { runCLI } from '../dist/cli/cli.js';

await runCLI(process.argv);
