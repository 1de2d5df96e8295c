#!/usr/bin/env node
// fwb, the command line: runs the TypeScript sources through tsx, so it works
// right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../electron/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
