import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on one of our own modules. Run from sources (`.ts`, through tsx) the
 * worker must register tsx itself: a worker does not inherit the loader the main thread got from
 * `tsx/esm/api`, and `--import` in `execArgv` is not applied to a worker's entry module. From a
 * compiled build (`.js`) the module is started directly.
 */
export function spawnWorker(moduleUrl: URL, options: WorkerOptions): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  const boot = `import(${JSON.stringify(tsxApiUrl())}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}

let tsxApi: string | undefined;
function tsxApiUrl(): string {
  tsxApi ??= import.meta.resolve('tsx/esm/api');
  return tsxApi;
}

/** The module beside `from` named `name`, with the same extension (`.ts` in sources, `.js` when built). */
export function siblingModule(from: string, name: string): URL {
  const ext = from.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, from);
}
