import { describe, expect, it } from 'vitest';
import { cleanText, FailureDigestBuilder } from '../../src/report/failure-digest.ts';
import { renderFailureDigestMarkdown, renderFailureDigestText } from '../../src/report/failure-digest-render.ts';
import { makeRow } from './make-row.ts';

const error = (case_id: string, error_type: string, message: string, over = {}) =>
  makeRow({ case_id, status: 'error', error_type: error_type as never, error_message: message, ...over });

describe('FailureDigestBuilder', () => {
  it('groups error messages by text per configuration, most frequent first, with case ids', () => {
    const d = new FailureDigestBuilder();
    d.add(error('a', 'connection', 'getaddrinfo ENOTFOUND api.example.test'));
    d.add(error('b', 'bad_request', "HTTP 404: model 'fastt' does not exist"));
    d.add(error('c', 'bad_request', "HTTP 404: model 'fastt' does not exist"));
    d.add(error('d', 'bad_request', "HTTP 404: model 'fastt' does not exist", { reasoning_effort: 'high' }));
    d.add(makeRow({ case_id: 'ok' }));
    const groups = d.finish();
    expect(groups.map((g) => [g.config, g.errors])).toEqual([['sim:fast', 3], ['sim:fast [high]', 1]]);
    expect(groups[0].messages.map((m) => [m.error_type, m.count, m.case_ids])).toEqual([
      ['bad_request', 2, ['b', 'c']],
      ['connection', 1, ['a']],
    ]);
    const text = renderFailureDigestText(groups);
    expect(text).toContain("bad_request ×2: HTTP 404: model 'fastt' does not exist  (cases b, c)");
    expect(text).toContain('connection ×1: getaddrinfo ENOTFOUND api.example.test  (case a)');
  });

  it('keeps the first N failing cases with their reasons; 0 keeps none but still counts', () => {
    const rows = [1, 2, 3].map((i) => makeRow({ case_id: `f${i}`, passed: false, reasons: [`contains: expected "x" #${i}`] }));
    const two = new FailureDigestBuilder({ showFailures: 2 });
    const none = new FailureDigestBuilder({ showFailures: 0 });
    for (const r of rows) {
      two.add(r);
      none.add(r);
    }
    const [g] = two.finish();
    expect(g.failed).toBe(3);
    expect(g.failures.map((f) => f.case_id)).toEqual(['f1', 'f2']);
    const text = renderFailureDigestText([g]);
    expect(text).toContain('failed f1: contains: expected "x" #1');
    expect(text).toContain('… 1 more failed cases');
    const [h] = none.finish();
    expect(h.failures).toEqual([]);
    expect(renderFailureDigestText([h], { failuresHidden: true })).not.toContain('failed f');
  });

  it('leaves warm-up rows out, caps distinct messages and says how many were not shown', () => {
    const d = new FailureDigestBuilder();
    d.add(error('w', 'timeout', 'warm', { warmup: true }));
    for (let i = 0; i < 60; i++) d.add(error(`c${i}`, 'server_error', `HTTP 500 request id ${i}`));
    const [g] = d.finish();
    expect(g.errors).toBe(60);
    expect(g.messages.length).toBe(50);
    expect(g.other_messages).toBe(10);
    expect(renderFailureDigestText([g])).toContain('… 55 more errors with other messages');
    expect(renderFailureDigestMarkdown([g])).toContain('## Why it failed');
  });

  it('nothing failed: no section at all', () => {
    const d = new FailureDigestBuilder();
    d.add(makeRow({ passed: true }));
    expect(renderFailureDigestText(d.finish())).toBe('');
  });
});

describe('cleanText', () => {
  it('strips terminal escapes and control bytes, folds whitespace, cuts long text', () => {
    expect(cleanText('\x1b[31mred\x1b[0m\x00 text\n\nmore', 100)).toBe('red text more');
    expect(cleanText('\x1b]0;title\x07ok', 100)).toBe('ok');
    const long = cleanText('x'.repeat(500), 200);
    expect([...long].length).toBe(200);
    expect(long.endsWith('…')).toBe(true);
  });
});
