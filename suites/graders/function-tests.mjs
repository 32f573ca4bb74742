/**
 * A generic grader for "write a function" cases: it takes the code out of the model's answer,
 * calls the named function on each test input in a fresh `node:vm` sandbox (no process, no
 * require, no timers, a time limit per call) and compares what comes back with the expected value.
 *
 * Use it from a suite with the test table in the assertion itself:
 *
 *   assert:
 *     - type: javascript
 *       value: graders/function-tests.mjs
 *       function: isPalindrome          # the function the answer must define
 *       tests:                          # [arguments, expected result] pairs
 *         - [["racecar"], true]
 *         - [["hello"], false]
 *         - { args: [""], expected: true }          # the same, spelled out
 *         - { args: ["x"], throws: RangeError }     # must throw (text found in the error)
 *       tolerance: 1e-9                 # optional: numbers may differ by this much
 *       call_timeout_ms: 1000           # optional: limit per call (default 1000)
 *
 * Result: score = share of tests passed; pass = every test passed; the reason lists the first
 * failures (`isPalindrome("Abba") returned false, expected true`).
 */

const DEFAULT_CALL_TIMEOUT_MS = 1000;
const SHOWN_FAILURES = 3;

/**
 * @param {string} output the model's answer
 * @param {{ config: Record<string, unknown>, sandbox: { run: Function, extractCode: Function } }} context
 */
export default async function functionTests(output, context) {
  const { fnName, tests, tolerance, callTimeoutMs } = readConfig(context.config);
  const code = context.sandbox.extractCode(output);
  const failures = [];
  let passed = 0;

  for (let i = 0; i < tests.length; i++) {
    const t = tests[i];
    const call = `${fnName}(${t.args.map((a) => show(a)).join(', ')})`;
    let value;
    try {
      value = await context.sandbox.run(code, fnName, t.args, callTimeoutMs);
    } catch (e) {
      const errCode = e && typeof e === 'object' ? e.code : undefined;
      const message = e instanceof Error ? e.message : String(e);
      if (t.throws !== undefined && errCode === 'SANDBOX_THREW' && (t.throws === true || message.includes(String(t.throws)))) {
        passed++;
        continue;
      }
      // These fail every remaining test the same way (or, for a timeout, would make the whole
      // grade outlast its own time limit): stop here and count the rest as failed.
      if (errCode === 'SANDBOX_SYNTAX' || errCode === 'SANDBOX_NO_FUNCTION' || errCode === 'SANDBOX_TIMEOUT') {
        const rest = tests.length - i - 1;
        failures.push(`${call}: ${message}${rest > 0 ? ` (${rest} more test${rest === 1 ? '' : 's'} not run)` : ''}`);
        break;
      }
      failures.push(`${call}: ${message}${t.throws !== undefined && t.throws !== true ? ` (expected an error mentioning ${show(t.throws)})` : ''}`);
      continue;
    }
    if (t.throws !== undefined) {
      failures.push(`${call} returned ${show(value)}, expected it to throw${t.throws === true ? '' : ` ${t.throws}`}`);
    } else if (same(value, t.expected, tolerance)) {
      passed++;
    } else {
      failures.push(`${call} returned ${show(value)}, expected ${show(t.expected)}`);
    }
  }

  const score = tests.length === 0 ? 0 : passed / tests.length;
  const listed = failures.slice(0, SHOWN_FAILURES).join('; ');
  const more = failures.length > SHOWN_FAILURES ? `; and ${failures.length - SHOWN_FAILURES} more` : '';
  return {
    pass: passed === tests.length,
    score,
    reason: `${passed}/${tests.length} tests passed${failures.length ? `; ${listed}${more}` : ''}`,
  };
}

/** Reads and checks the assertion's options; a mistake in the suite is an error, not a failed answer. */
function readConfig(config) {
  const fnName = config.function;
  if (typeof fnName !== 'string' || !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(fnName)) {
    throw new Error(`function-tests needs \`function: <name>\` (a JavaScript identifier), got ${show(fnName)}`);
  }
  if (!Array.isArray(config.tests) || config.tests.length === 0) {
    throw new Error('function-tests needs `tests`: a list of [arguments, expected] pairs or {args, expected} mappings');
  }
  const tests = config.tests.map((t, i) => {
    if (Array.isArray(t) && t.length === 2 && Array.isArray(t[0])) return { args: t[0], expected: t[1] };
    if (t && typeof t === 'object' && !Array.isArray(t) && Array.isArray(t.args) && ('expected' in t || 'throws' in t)) {
      return { args: t.args, expected: t.expected, throws: t.throws };
    }
    throw new Error(`function-tests: tests[${i}] must be [[arguments...], expected] or {args: [...], expected: ...}, got ${show(t)}`);
  });
  const tolerance = config.tolerance ?? 0;
  if (typeof tolerance !== 'number' || !(tolerance >= 0)) throw new Error(`function-tests: \`tolerance\` must be a number >= 0, got ${show(tolerance)}`);
  const callTimeoutMs = config.call_timeout_ms ?? DEFAULT_CALL_TIMEOUT_MS;
  if (typeof callTimeoutMs !== 'number' || !(callTimeoutMs > 0)) throw new Error(`function-tests: \`call_timeout_ms\` must be a positive number, got ${show(callTimeoutMs)}`);
  return { fnName, tests, tolerance, callTimeoutMs };
}

/** Deep equality of plain data; numbers may differ by `tolerance`; object key order does not matter. */
export function same(a, b, tolerance = 0) {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    return a === b || Math.abs(a - b) <= tolerance;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i], tolerance));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k], tolerance));
  }
  return Object.is(a, b);
}

function show(v) {
  let s;
  try {
    s = v === undefined ? 'undefined' : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
