import { DOCUMENTED_MODELS, isKnownProvider } from '../providers/presets.ts';
import { didYouMean } from './did-you-mean.ts';
import { formatPath, type PathSegment } from './issue-path.ts';
import { knownProviderIds } from './known-providers.ts';
import { findPlaceholders } from './placeholders.ts';
import type { RawIssue } from './zod-issues.ts';

/** Where a path is written, as `file:line:col` (for messages that name a second place). */
export type Where = (path: PathSegment[]) => string;

/**
 * Checks zod cannot express: duplicate case ids, models of unknown providers, placeholders
 * without a value. They run on the raw data even when zod failed (skipping what is malformed)
 * so one run of `validate` reports everything.
 */
export function checkSuiteData(data: unknown, where: Where, opts: { documentedModels?: boolean } = {}): RawIssue[] {
  if (!isObj(data)) return [];
  return [...checkModels(data, opts.documentedModels === true), ...checkBaseUrls(data), ...checkEfforts(data), ...checkCaseIds(data, where), ...checkPlaceholders(data)];
}

/**
 * `base_url: localhost:6556/v1` parses as a URL of scheme `localhost:` and would only be refused
 * at run time, echoed as `localhost://6556/v1`. Said here, at its position, with the likely fix.
 */
function checkBaseUrls(data: Record<string, unknown>): RawIssue[] {
  if (!isObj(data.providers)) return [];
  const out: RawIssue[] = [];
  for (const [id, p] of Object.entries(data.providers)) {
    if (!isObj(p) || typeof p.base_url !== 'string') continue;
    const url = p.base_url.trim();
    const path = ['providers', id, 'base_url'];
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
    if (scheme === undefined) {
      const local = /^(localhost|127\.|0\.0\.0\.0|\[::1\])/i.test(url);
      out.push({
        path,
        message: `base_url "${url}" has no scheme: write "${local ? 'http' : 'https'}://${url}"` +
          (local ? ' (http:// is fine for this machine; https:// for any other)' : ' (https://; plain http:// only to this machine)'),
      });
    } else if (scheme !== 'http' && scheme !== 'https') {
      out.push({ path, message: `base_url "${url}" uses ${scheme}://; only http:// and https:// are supported` });
    }
  }
  return out;
}

function checkModels(data: Record<string, unknown>, documented: boolean): RawIssue[] {
  const out: RawIssue[] = [];
  if (!Array.isArray(data.models)) return out;
  const providers = isObj(data.providers) ? data.providers : undefined;
  const seen = new Set<string>();
  data.models.forEach((ref, i) => {
    if (typeof ref !== 'string') return;
    const path = ['models', i];
    if (seen.has(ref)) out.push({ path, message: `model \`${ref}\` is listed twice` });
    seen.add(ref);
    const colon = ref.indexOf(':');
    if (colon <= 0) return; // the schema reports the shape
    const provider = ref.slice(0, colon);
    if (documented) {
      const issue = checkDocumentedModel(provider, ref.slice(colon + 1), providers);
      if (issue) out.push({ path, message: issue });
    }
    if (isKnownProvider(provider, providers)) return;
    const known = knownProviderIds(providers);
    const hint = didYouMean(provider, known);
    out.push({
      path,
      message:
        `unknown provider \`${provider}\` in model \`${ref}\`; known: ${known.join(', ')}` +
        (hint ? `; did you mean \`${hint}\`?` : '') +
        ' (declare others under `providers`)',
    });
  });
  return out;
}

/** A built-in provider's model that it does not document (the suite's own providers are not checked). */
function checkDocumentedModel(provider: string, model: string, providers: Record<string, unknown> | undefined): string | undefined {
  const list = providers && provider in providers ? undefined : DOCUMENTED_MODELS[provider];
  if (!list || list.includes(model)) return undefined;
  const hint = didYouMean(model, list);
  return `\`${model}\` is not a model ${provider} documents (${list.join(', ')})` + (hint ? `; did you mean \`${provider}:${hint}\`?` : '');
}

function checkEfforts(data: Record<string, unknown>): RawIssue[] {
  if (!Array.isArray(data.reasoning_effort)) return [];
  const seen = new Set<unknown>();
  const out: RawIssue[] = [];
  data.reasoning_effort.forEach((e, i) => {
    if (seen.has(e)) out.push({ path: ['reasoning_effort', i], message: `effort \`${String(e)}\` is listed twice` });
    seen.add(e);
  });
  return out;
}

function checkCaseIds(data: Record<string, unknown>, where: Where): RawIssue[] {
  if (!Array.isArray(data.cases)) return [];
  const first = new Map<string, number>();
  const out: RawIssue[] = [];
  data.cases.forEach((c, i) => {
    if (!isObj(c) || typeof c.id !== 'string' || c.file !== undefined) return; // file entries: checked per row
    const prev = first.get(c.id);
    if (prev === undefined) first.set(c.id, i);
    else {
      const firstPath = ['cases', prev, 'id'];
      out.push({
        path: ['cases', i, 'id'],
        message: `duplicate case id \`${c.id}\`; first used by ${formatPath(firstPath.slice(0, 2))} at ${where(firstPath)}`,
      });
    }
  });
  return out;
}

function checkPlaceholders(data: Record<string, unknown>): RawIssue[] {
  if (!Array.isArray(data.cases)) return [];
  const out: RawIssue[] = [];
  const defaultSystem = isObj(data.defaults) && typeof data.defaults.system === 'string' ? data.defaults.system : undefined;
  // placeholder in defaults.system -> ids of cases that use it without a value
  const defaultMissing = new Map<string, string[]>();

  data.cases.forEach((c, i) => {
    if (!isObj(c) || c.file !== undefined) return; // file entries get their vars per row: checked then
    const vars = isObj(c.vars) ? c.vars : {};
    const names = Object.keys(vars);
    const check = (text: unknown, path: PathSegment[]) => {
      if (typeof text !== 'string') return;
      for (const name of findPlaceholders(text)) {
        if (Object.hasOwn(vars, name)) continue;
        const hint = didYouMean(name, names);
        out.push({
          path,
          message:
            `placeholder \`{{${name}}}\` has no value: add \`${name}\` to this case's vars` +
            (hint ? ` (did you mean \`{{${hint}}}\`?)` : names.length ? ` (defined: ${names.join(', ')})` : ''),
        });
      }
    };
    check(c.prompt, ['cases', i, 'prompt']);
    check(c.system, ['cases', i, 'system']);
    let hasSystemMessage = false;
    if (Array.isArray(c.messages)) {
      c.messages.forEach((m, j) => {
        if (!isObj(m)) return;
        if (m.role === 'system' || m.role === 'developer') hasSystemMessage = true;
        const at: PathSegment[] = ['cases', i, 'messages', j, 'content'];
        if (typeof m.content === 'string') check(m.content, at);
        else if (Array.isArray(m.content)) {
          m.content.forEach((part, k) => {
            if (isObj(part) && part.type === 'text') check(part.text, [...at, k, 'text']);
          });
        }
      });
    }
    if (defaultSystem !== undefined && c.system === undefined && !hasSystemMessage) {
      for (const name of findPlaceholders(defaultSystem)) {
        if (Object.hasOwn(vars, name)) continue;
        const ids = defaultMissing.get(name) ?? [];
        ids.push(typeof c.id === 'string' ? c.id : `cases[${i}]`);
        defaultMissing.set(name, ids);
      }
    }
  });
  for (const [name, ids] of defaultMissing) {
    out.push({
      path: ['defaults', 'system'],
      message: `placeholder \`{{${name}}}\` has no value in the vars of case${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`,
    });
  }
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
