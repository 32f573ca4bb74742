// Moved down to the providers layer, whose HTTP worker threads start the same way.
export { siblingModule, spawnWorker } from '../../providers/worker-spawn.ts';
