#!/usr/bin/env node
// The package's bin: runs the compiled JavaScript in dist/ (built by `npm run build`, which `npm ci`,
// `npm install` and `npm pack` run through `prepare`; the tests rebuild it first). EVALBENCH_FROM_SOURCE=1
// runs src/ through tsx (a dev dependency) instead, for working on the CLI without a build.
if (process.env.EVALBENCH_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  await main(process.argv);
} else {
  let entry;
  try {
    entry = await import('../dist/cli/main.js');
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist')) throw e;
    process.stderr.write('error: evalbench is not built: run `npm run build` (or `npm ci`) in the evalbench folder first.\n');
    process.exit(2);
  }
  await entry.main(process.argv);
}
