import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureDir } from './ensure-dir.ts';
import { holdUntilDue } from '../providers/wait-until.ts';
import type { AttemptRequest, AttemptResult } from '../providers/types.ts';
import type { sendChatCompletion } from '../providers/openai-client.ts';
import type { Job } from '../plan/types.ts';
import type { SendAttempt } from './run-options.ts';
import { redactStrings, requestSecrets } from '../providers/redact.ts';

type Send = typeof sendChatCompletion;

/**
 * The cache key: the full request (URL and body) and the repeat index. Headers stay out: they
 * hold the API key. A loopback server's port is left out too: the in-process simulator gets a
 * new port every run. The repeat is in so that repeats of one case are never copies of each
 * other: repeat r replays repeat r of an earlier run, and a first run sends every repeat.
 */
export function cacheKey(req: Pick<AttemptRequest, 'url' | 'body'>, repeat = 1): string {
  const u = new URL(req.url);
  const where = /^(127\.|localhost$|\[::1\]$)/.test(u.hostname) ? `loopback${u.pathname}` : `${u.origin}${u.pathname}`;
  return createHash('sha256').update(JSON.stringify([where, req.body, repeat])).digest('hex');
}

/**
 * `run --cache DIR` (opt-in): a successful answer is stored under the hash of its request and
 * replayed for the same request later, marked `fromCache` so the row says `cached: true` and every
 * latency statistic leaves it out. Errors are never cached. Files are 0600 (they hold answers).
 */
export function withResponseCache(dir: string, send: Send): SendAttempt {
  ensureDir(dir, '--cache');
  return async (req, deps, job: Pick<Job, 'repeat'>) => {
    const file = path.join(dir, `${cacheKey(req, job.repeat)}.json`);
    const now = deps?.now ?? (() => performance.now());
    try {
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as AttemptResult;
      // An open-loop arrival handed over early (notBefore) is replayed when due, as it would be
      // sent; one whose hold was cancelled goes to the client, which answers it as not sent.
      const hold = holdUntilDue(req, now);
      if (hold) await hold;
      if (req.notBefore !== undefined && req.cancelHold?.aborted) return send(req, deps);
      // Shift the recorded marks onto this process's clock, so started_at reads as "now".
      const shift = now() - stored.marks.send;
      const m = stored.marks;
      const at = (t: number | null) => (t === null ? null : t + shift);
      return {
        ...stored,
        fromCache: true,
        marks: {
          send: m.send + shift, hdr: at(m.hdr), firstTok: at(m.firstTok), firstAnswer: at(m.firstAnswer),
          lastTok: at(m.lastTok), end: m.end + shift, tokenTimes: m.tokenTimes.map((t) => t + shift),
        },
      };
    } catch {
      // miss (or an unreadable entry): ask the server
    }
    const result = await send(req, deps);
    // Redacted like a row: a key the server echoed in the answer never reaches the cache folder.
    if (result.ok) fs.writeFileSync(file, JSON.stringify(redactStrings(result, requestSecrets(req.apiKey, req.headers))), { mode: 0o600 });
    return result;
  };
}
