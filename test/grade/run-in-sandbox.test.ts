import { describe, expect, it } from 'vitest';
import { extractCode, runInSandbox, SandboxError } from '../../src/grade/index.ts';

async function sandboxError(p: Promise<unknown>): Promise<SandboxError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SandboxError);
    return e as SandboxError;
  }
  throw new Error('expected a SandboxError');
}

describe('runInSandbox', () => {
  it('calls the named function with the arguments and copies the result out', async () => {
    expect(await runInSandbox('function add(a, b) { return a + b; }', 'add', [2, 3])).toBe(5);
    expect(await runInSandbox('const pairs = (o) => Object.entries(o);', 'pairs', [{ a: 1 }])).toEqual([['a', 1]]);
    expect(await runInSandbox('module.exports = { sq: (x) => x * x };', 'sq', [7])).toBe(49);
    expect(await runInSandbox('export function id(x) { return x; }', 'id', [[1, { b: null }]])).toEqual([1, { b: null }]);
    expect(await runInSandbox('async function later(x) { await null; return x + 1; }', 'later', [1])).toBe(2);
  });

  it('keeps undefined, NaN, Infinity and bigint across the copy', async () => {
    expect(await runInSandbox('function f() {}', 'f')).toBeUndefined();
    expect(await runInSandbox('function f() { return [NaN, -Infinity, 10n ** 20n]; }', 'f')).toEqual([Number.NaN, -Infinity, 10n ** 20n]);
  });

  it('the result is a plain host value (no sandbox objects leak out)', async () => {
    const r = await runInSandbox('function f() { return { list: [1] }; }', 'f');
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect((r as { list: unknown[] }).list).toBeInstanceOf(Array);
  });

  it('an endless loop times out', async () => {
    const t0 = performance.now();
    const e = await sandboxError(runInSandbox('function spin() { for (;;) {} }', 'spin', [], 100));
    expect(e.code).toBe('SANDBOX_TIMEOUT');
    expect(e.message).toContain('timed out after 100 ms');
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('an endless loop after an await, or at top level, times out too', async () => {
    expect((await sandboxError(runInSandbox('async function f() { await null; while (true) {} }', 'f', [], 100))).code).toBe('SANDBOX_TIMEOUT');
    expect((await sandboxError(runInSandbox('while (true) {}\nfunction f() {}', 'f', [], 100))).code).toBe('SANDBOX_TIMEOUT');
  });

  it('a promise that never settles is reported, not awaited forever', async () => {
    const e = await sandboxError(runInSandbox('function f() { return new Promise(() => {}); }', 'f', [], 100));
    expect(e.code).toBe('SANDBOX_TIMEOUT');
    expect(e.message).toContain('never settled');
  });

  it('has no process, require, timers or eval', async () => {
    const probe = `function probe() {
      return [typeof process, typeof require, typeof setTimeout, typeof fetch, typeof globalThis.process];
    }`;
    expect(await runInSandbox(probe, 'probe')).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
    const escape = 'function esc() { return this.constructor.constructor("return process")().pid; }';
    expect((await sandboxError(runInSandbox(escape, 'esc'))).message).toMatch(/Code generation from strings disallowed|threw/);
    const viaArg = 'function esc(o) { return o.constructor.constructor("return process")().pid; }';
    expect((await sandboxError(runInSandbox(viaArg, 'esc', [{}]))).code).toBe('SANDBOX_THREW');
    expect((await sandboxError(runInSandbox('function e() { return eval("1 + 1"); }', 'e'))).code).toBe('SANDBOX_THREW');
  });

  it('reports throws, syntax errors, missing functions and bad names', async () => {
    const t = await sandboxError(runInSandbox('function f() { throw new RangeError("nope"); }', 'f'));
    expect(t.code).toBe('SANDBOX_THREW');
    expect(t.message).toContain('RangeError: nope');
    expect((await sandboxError(runInSandbox('function f( {', 'f'))).code).toBe('SANDBOX_SYNTAX');
    expect((await sandboxError(runInSandbox('const x = 1;', 'f'))).code).toBe('SANDBOX_NO_FUNCTION');
    expect((await sandboxError(runInSandbox('function f() {}', 'f(); process'))).code).toBe('SANDBOX_BAD_INPUT');
  });

  it('each call gets a fresh context', async () => {
    const code = 'let n = 0; function inc() { return ++n; }';
    expect(await runInSandbox(code, 'inc')).toBe(1);
    expect(await runInSandbox(code, 'inc')).toBe(1);
  });
});

describe('extractCode', () => {
  it('prefers a JS fence, then any fence, then the whole text', () => {
    expect(extractCode('text\n```python\nx = 1\n```\n```js\nconst y = 2;\n```')).toBe('const y = 2;');
    expect(extractCode('```\nplain()\n```')).toBe('plain()');
    expect(extractCode('  function f() {}  ')).toBe('function f() {}');
  });
});
