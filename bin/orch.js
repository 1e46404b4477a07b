#!/usr/bin/env node
import '../dist/orch.js';
