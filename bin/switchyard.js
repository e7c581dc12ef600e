#!/usr/bin/env node
// The installed `switchyard` command: runs the compiled CLI (npm run build first).
import '../dist/cli/main.js';
