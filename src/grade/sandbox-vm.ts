import { randomBytes } from 'node:crypto';
import vm from 'node:vm';
import { SandboxError } from './sandbox-error.ts';
import { decodeSource, encodeSource } from './sandbox-json.ts';

/**
 * Runs `code` (e.g. a function a model wrote) in a fresh `node:vm` context on this thread, then
 * calls `fnName(...args)` there and returns its result as JSON text (sandbox-json's encoding).
 * Meant to run inside the sandbox worker (sandbox-host.ts), whose heap limit and terminate() bound
 * what the vm cannot: runInSandbox is the entry point.
 *
 * - The context has no `process`, `require`, `import`, timers, WebAssembly or host objects; code
 *   generation from strings is off. `module.exports`/`exports` exist for CommonJS-style answers,
 *   and `export` keywords before declarations are dropped.
 * - Array buffers live outside the JS heap (a worker's heap limit does not see them, and a native
 *   `fill` of gigabytes cannot be interrupted), so every ArrayBuffer / typed-array allocation is
 *   charged against `memoryBytes` up front: past it the allocation throws and the run reports
 *   SANDBOX_MEMORY.
 * - `timeoutMs` covers running the code, the call, and every promise continuation (microtasks run
 *   inside the time limit); a promise still pending after that can never settle (no timers exist).
 */
export function runInVm(code: string, fnName: string, argsJson: string, timeoutMs: number, memoryBytes: number): string {
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
    globalThis.console = { log() {}, info() {}, warn() {}, error() {}, debug() {} };
    ${memoryGuardSource(key, memoryBytes)}`;
  vm.runInContext(prelude, ctx);
  const overBudget = () => vm.runInContext(`globalThis['${key}m']()`, ctx) === true;
  const step = <T>(fn: () => T, what: string): T => run(fn, what, timeoutMs, overBudget, memoryBytes);

  let script: vm.Script;
  try {
    script = new vm.Script(stripEsm(code), { filename: 'sandboxed-code.js' });
  } catch (e) {
    throw new SandboxError('SANDBOX_SYNTAX', `code does not parse: ${describe(e)}`);
  }
  step(() => script.runInContext(ctx, { timeout: left() }), 'running the code');

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
  step(() => vm.runInContext(call, ctx, { timeout: left() }), `${fnName}()`);

  const collect = `globalThis['${key}s'](globalThis.${key}, ${encodeSource})`;
  const json = step(() => vm.runInContext(collect, ctx, { timeout: left() }), `copying the result of ${fnName}()`);
  if (typeof json !== 'string') throw new SandboxError('SANDBOX_BAD_INPUT', `the result of ${fnName}() could not be copied out`);
  if (overBudget()) throw memoryError(fnName, memoryBytes);
  return json;
}

/**
 * Source run in the context: wraps ArrayBuffer, SharedArrayBuffer and every typed-array
 * constructor (and the prototypes' `constructor` links, so `new (x.constructor)(n)` is charged
 * too) so each allocation is charged against one budget; removes WebAssembly (its Memory is
 * another off-heap allocator). `globalThis[key + 'm']()` says whether the budget was exceeded.
 */
function memoryGuardSource(key: string, memoryBytes: number): string {
  return `(() => {
    const g = globalThis;
    let left = ${memoryBytes}, over = false;
    const charge = (n) => {
      n = Number(n);
      if (!(n > 0)) return;
      if (n > left) { over = true; throw new RangeError('sandbox memory limit: ' + n + ' bytes asked, ' + left + ' of ${memoryBytes} left'); }
      left -= n;
    };
    const sizeOf = (args, per) => {
      const a = args[0];
      if (typeof a === 'number' || typeof a === 'bigint' || typeof a === 'string') return Number(a) * per;
      if (a === null || typeof a !== 'object') return 0;
      if (a instanceof g.ArrayBuffer || (g.SharedArrayBuffer && a instanceof g.SharedArrayBuffer)) return 0;
      return Number(a.length) * per || 0;
    };
    const bufferSize = (args) => Math.max(Number(args[0]) || 0, Number(args[1] && args[1].maxByteLength) || 0);
    const guard = (name, size) => {
      const C = g[name];
      if (typeof C !== 'function') return;
      const P = new Proxy(C, { construct(t, args, nt) { charge(size(args, C.BYTES_PER_ELEMENT || 1)); return Reflect.construct(t, args, nt === P ? t : nt); } });
      Object.defineProperty(C.prototype, 'constructor', { value: P, writable: false, configurable: false });
      Object.defineProperty(g, name, { value: P, writable: false, configurable: false, enumerable: false });
    };
    for (const name of ['ArrayBuffer', 'SharedArrayBuffer']) {
      const C = g[name];
      if (typeof C !== 'function') continue;
      for (const m of ['transfer', 'transferToFixedLength']) {
        const f = C.prototype[m];
        if (typeof f === 'function') Object.defineProperty(C.prototype, m, { value: function (n) { charge(n === undefined ? this.byteLength : n); return f.call(this, n); }, writable: false, configurable: false });
      }
      guard(name, bufferSize);
    }
    for (const name of ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) guard(name, sizeOf);
    delete g.WebAssembly;
    Object.defineProperty(g, '${key}m', { value: () => over, writable: false, configurable: false });
  })();`;
}

function memoryError(fnName: string, memoryBytes: number): SandboxError {
  return new SandboxError('SANDBOX_MEMORY', `${fnName}() went past the sandbox memory limit (${Math.round(memoryBytes / 2 ** 20)} MiB of array buffers)`);
}

function run<T>(step: () => T, what: string, timeoutMs: number, overBudget: () => boolean, memoryBytes: number): T {
  try {
    return step();
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new SandboxError('SANDBOX_TIMEOUT', `${what} timed out after ${timeoutMs} ms`);
    }
    if (overBudget()) throw memoryError(what, memoryBytes);
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

const EXPORT_DEFAULT = /^([ \t]*)export[ \t]+default[ \t]+(?=(?:async[ \t]+)?function\b|class\b)/;
const EXPORT_DECLARATION = /^([ \t]*)export[ \t]+(?=(?:async[ \t]+)?function\b|class\b|const\b|let\b|var\b)/;
const EXPORT_LIST = /^[ \t]*export[ \t]*\{/;
const LIST_TAIL = /^\};?[ \t]*$/;

/**
 * Answers often come as ES modules; a script cannot `export`, so drop the keyword before
 * declarations and drop `export { ... };` lists. One pass over the lines (the regexes are anchored
 * to a line), and the search for a list's closing brace never rescans text: linear in the code's
 * length whatever the model wrote.
 */
export function stripEsm(code: string): string {
  const out: string[] = [];
  let brace = -2; // index of the next '}' at or after the current list, -1 when there is none
  let closes = false; // whether the line from that brace on is `};` (checked once per brace)
  let close = 0;
  for (let pos = 0; pos <= code.length; ) {
    let end = code.indexOf('\n', pos);
    if (end < 0) end = code.length;
    const line = code.slice(pos, end);
    const list = EXPORT_LIST.exec(line);
    if (list) {
      const from = pos + list[0].length;
      if (brace !== -1 && brace < from) {
        brace = code.indexOf('}', from);
        close = code.indexOf('\n', brace);
        if (close < 0) close = code.length;
        closes = brace >= 0 && LIST_TAIL.test(code.slice(brace, close));
      }
      if (closes) {
        out.push('');
        pos = close + 1;
        continue;
      }
    }
    out.push(line.replace(EXPORT_DEFAULT, '$1').replace(EXPORT_DECLARATION, '$1'));
    pos = end + 1;
  }
  return out.join('\n');
}

