import { randomBytes } from 'node:crypto';
import vm from 'node:vm';
import { SandboxError } from './sandbox-error.ts';

export const SANDBOX_DEFAULT_TIMEOUT_MS = 2000;

/**
 * Runs `code` (e.g. a function a model wrote) in a fresh `node:vm` context, then calls
 * `fnName(...args)` there and returns a copy of its result (awaited if it is a promise).
 *
 * - The context has no `process`, `require`, `import`, timers or host objects; code generation
 *   from strings (`eval`, `new Function`) is off. `module.exports`/`exports` exist for CommonJS-style
 *   answers, and `export` keywords before declarations are dropped.
 * - `args` go in and the result comes out as JSON text (undefined, NaN, ±Infinity and bigint kept),
 *   so no object crosses between the realms.
 * - `timeoutMs` covers running the code, the call, and every promise continuation (microtasks run
 *   inside the time limit); a promise still pending after that can never settle (no timers exist)
 *   and is reported as a timeout too.
 * node:vm is not a security boundary against a determined attacker (memory use is unbounded,
 * for one): it keeps honest mistakes and endless loops from taking down the run.
 */
export async function runInSandbox(code: string, fnName: string, args: unknown[] = [], timeoutMs = SANDBOX_DEFAULT_TIMEOUT_MS): Promise<unknown> {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(fnName)) throw new SandboxError('SANDBOX_BAD_INPUT', `not a function name: ${JSON.stringify(fnName)}`);
  let argsJson: string;
  try {
    argsJson = JSON.stringify(args, encode);
  } catch (e) {
    throw new SandboxError('SANDBOX_BAD_INPUT', `sandbox arguments must be JSON-serialisable: ${(e as Error).message}`);
  }
  const deadline = performance.now() + timeoutMs;
  const left = () => Math.max(1, Math.ceil(deadline - performance.now()));
  const ctx = vm.createContext(Object.create(null), {
    name: 'evalbench-sandbox',
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: 'afterEvaluate',
  });
  // Unguessable names, so the code under test cannot pre-empt our slots.
  const key = `__evalbench_${randomBytes(6).toString('hex')}`;

  const prelude = `
    Object.defineProperty(globalThis, '${key}s', { value: JSON.stringify.bind(JSON), writable: false, configurable: false });
    Object.defineProperty(globalThis, '${key}p', { value: JSON.parse.bind(JSON), writable: false, configurable: false });
    globalThis.module = { exports: {} };
    globalThis.exports = globalThis.module.exports;
    globalThis.console = { log() {}, info() {}, warn() {}, error() {}, debug() {} };`;
  vm.runInContext(prelude, ctx);

  let script: vm.Script;
  try {
    script = new vm.Script(stripEsm(code), { filename: 'sandboxed-code.js' });
  } catch (e) {
    throw new SandboxError('SANDBOX_SYNTAX', `code does not parse: ${describe(e)}`);
  }
  run(() => script.runInContext(ctx, { timeout: left() }), 'running the code', timeoutMs);

  const call = `(() => {
    const m = globalThis.module && globalThis.module.exports;
    const fn = typeof ${fnName} === 'function' ? ${fnName}
      : m && typeof m.${fnName} === 'function' ? m.${fnName}
      : typeof m === 'function' && m.name === '${fnName}' ? m : undefined;
    if (fn === undefined) { globalThis.${key} = { state: 'nofn' }; return; }
    globalThis.${key} = { state: 'pending' };
    const describe = (e) => { try { return e && typeof e === 'object' && 'message' in e ? String(e.name || 'Error') + ': ' + String(e.message) : String(e); } catch { return 'an unprintable value'; } };
    Promise.resolve()
      .then(() => fn(...globalThis['${key}p'](${JSON.stringify(argsJson)}, ${decodeSource})))
      .then((value) => { globalThis.${key} = { state: 'ok', value }; }, (e) => { globalThis.${key} = { state: 'threw', error: describe(e) }; });
  })()`;
  run(() => vm.runInContext(call, ctx, { timeout: left() }), `${fnName}()`, timeoutMs);

  const collect = `globalThis['${key}s'](globalThis.${key}, ${encodeSource})`;
  const json = run(() => vm.runInContext(collect, ctx, { timeout: left() }), `copying the result of ${fnName}()`, timeoutMs);
  if (typeof json !== 'string') throw new SandboxError('SANDBOX_BAD_INPUT', `the result of ${fnName}() could not be copied out`);
  const r = JSON.parse(json, decode) as { state: string; value?: unknown; error?: string };
  switch (r.state) {
    case 'ok':
      return r.value;
    case 'threw':
      throw new SandboxError('SANDBOX_THREW', `${fnName}() threw ${r.error}`);
    case 'nofn':
      throw new SandboxError('SANDBOX_NO_FUNCTION', `the code defines no function named ${fnName}`);
    default:
      throw new SandboxError('SANDBOX_TIMEOUT', `${fnName}() returned a promise that never settled (within ${timeoutMs} ms)`);
  }
}

function run<T>(step: () => T, what: string, timeoutMs: number): T {
  try {
    return step();
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new SandboxError('SANDBOX_TIMEOUT', `${what} timed out after ${timeoutMs} ms`);
    }
    throw new SandboxError('SANDBOX_THREW', `${what} threw ${describe(e)}`);
  }
}

function describe(e: unknown): string {
  try {
    if (e && typeof e === 'object' && 'message' in e) return `${String((e as Error).name ?? 'Error')}: ${String((e as Error).message)}`;
    return String(e);
  } catch {
    return 'an unprintable value';
  }
}

/** Answers often come as ES modules; a script cannot `export`, so drop the keyword before declarations. */
function stripEsm(code: string): string {
  return code
    .replace(/^([ \t]*)export[ \t]+default[ \t]+(?=(?:async[ \t]+)?function\b|class\b)/gm, '$1')
    .replace(/^([ \t]*)export[ \t]+(?=(?:async[ \t]+)?function\b|class\b|const\b|let\b|var\b)/gm, '$1')
    .replace(/^[ \t]*export[ \t]*\{[^}]*\};?[ \t]*$/gm, '');
}

// JSON with a few values JSON lacks. The same functions run on both sides (as source inside the context).
const TAG = '$evalbench';
function encode(_key: string, v: unknown): unknown {
  if (v === undefined) return { [TAG]: 'undefined' };
  if (typeof v === 'number' && !Number.isFinite(v)) return { [TAG]: String(v) };
  if (typeof v === 'bigint') return { [TAG]: 'bigint', v: v.toString() };
  return v;
}
function decode(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || !(TAG in v)) return v;
  const t = (v as Record<string, unknown>)[TAG];
  if (t === 'undefined') return undefined;
  if (t === 'bigint') return BigInt(String((v as Record<string, unknown>).v));
  return Number(t);
}
const encodeSource = `(k, v) => v === undefined ? { '${TAG}': 'undefined' } : typeof v === 'number' && !Number.isFinite(v) ? { '${TAG}': String(v) } : typeof v === 'bigint' ? { '${TAG}': 'bigint', v: v.toString() } : v`;
const decodeSource = `(k, v) => v === null || typeof v !== 'object' || !('${TAG}' in v) ? v : v['${TAG}'] === 'undefined' ? undefined : v['${TAG}'] === 'bigint' ? BigInt(String(v.v)) : Number(v['${TAG}'])`;
