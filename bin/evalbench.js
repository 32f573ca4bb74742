#!/usr/bin/env node
// The package's bin: runs the TypeScript sources through tsx, so `npm ci` needs no build step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
