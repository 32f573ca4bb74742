// One run assembled: a suite file in, a finished run folder out (providers resolved, connections
// warmed, resume, budgets, the judge, reports and gates). The CLI and library users start here.
export { runSuite, type RunOptions, type RunOutcome } from './run-suite.ts';
export { sweepSuite, type SweepOutcome } from './sweep-suite.ts';
export { runReporters, type RunReporter, type RunReporters } from './run-reporters.ts';
export { resolveProviders } from './resolve-providers.ts';
export { prepareResume } from './resume.ts';
export { warmUp } from './warm-up.ts';
