import { InputError } from '../errors/input-error.ts';

/**
 * Where evalbench may send an API key and prompts.
 *
 * - `https://` anywhere.
 * - `http://` only to this machine: 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z), `localhost`, and the
 *   unspecified 0.0.0.0 / :: (a connect to them stays on this host; servers such as vLLM log
 *   "running on http://0.0.0.0:8000", so users paste it). Anything else over plain http, a LAN
 *   box included, needs `--allow-insecure-http`: the key and the prompts would cross the network
 *   unencrypted.
 * - The same rule holds for redirect targets (the client checks each hop).
 *
 * Files on disk (decided with this policy): every file that quotes a request or a response
 * (results.jsonl, results.csv, junit.xml, report.html, --cache entries) is written mode 0600,
 * owner only, whatever the umask: answers may hold private data even when keys never do.
 * summary.json / summary.md hold aggregates only and keep the default mode, so they can be
 * shared as CI artefacts. Keys never reach any file (redact.ts).
 */

export interface UrlPolicyOptions {
  /** `--allow-insecure-http`: permit http:// to hosts other than this machine. */
  allowInsecureHttp?: boolean;
}

/** True when a URL hostname (as `new URL().hostname` gives it) names this machine. */
export function isLoopbackHost(hostname: string): boolean {
  let h = hostname.toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === 'localhost' || h === '0.0.0.0') return true;
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === '::1' || h === '::') return true;
  // The WHATWG parser already turned 2130706433, 0x7f.1, 127.1 into dotted quads.
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  // IPv4-mapped loopback: ::ffff:127.0.0.1 is serialised as ::ffff:7f00:1.
  const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(h);
  return mapped !== null && parseInt(mapped[1], 16) >> 8 === 127;
}

/** A URL for messages: scheme, host and path only (user:password@ and the query may hold secrets). */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Why a request to `url` may not be sent, or null when it may. Used for base URLs (through
 * checkBaseUrl) and for every redirect hop (by the client), so both follow one rule.
 */
export function urlRefusal(url: URL, opts: UrlPolicyOptions = {}): { code: 'INVALID_BASE_URL' | 'INSECURE_HTTP'; message: string } | null {
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') {
    return { code: 'INVALID_BASE_URL', message: `${describeUrl(url)}: only http:// and https:// URLs are supported` };
  }
  if (opts.allowInsecureHttp || isLoopbackHost(url.hostname)) return null;
  return {
    code: 'INSECURE_HTTP',
    message:
      `${describeUrl(url)} is plain http to another machine: the API key and prompts would cross the network unencrypted. ` +
      'Use https://, or pass --allow-insecure-http if the network is trusted.',
  };
}

/**
 * Checks a provider's base URL before a run. Throws InputError (exit 2) with code
 * INVALID_BASE_URL (not a URL, not http/https) or INSECURE_HTTP (http:// to a host other than
 * this machine, without `allowInsecureHttp`), or INVALID_BASE_URL for credentials in the URL.
 * `providerId` names the provider in the message.
 */
export function checkBaseUrl(baseUrl: string, opts: UrlPolicyOptions = {}, providerId?: string): void {
  const who = providerId ? `provider "${providerId}": ` : '';
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new InputError('INVALID_BASE_URL', `${who}base_url is not a URL (expected e.g. https://api.example.com/v1)`);
  }
  const refusal = urlRefusal(url, opts);
  if (refusal) throw new InputError(refusal.code, `${who}base_url ${refusal.message}`);
  if (url.username !== '' || url.password !== '') {
    // The transport refuses such URLs too (the key would go out as Basic auth next to ours).
    throw new InputError(
      'INVALID_BASE_URL',
      `${who}base_url ${describeUrl(url)} includes credentials (user:password@): remove them and put the key in the variable named by api_key_env`,
    );
  }
}

/**
 * The URL of `endpoint` (e.g. "chat/completions") under a base URL: the path is appended to the
 * base URL's path, before its query string, so Azure-style `...?api-version=2024-10-21` keeps its
 * query (a plain string append sent to `/v1?api-version=.../chat/completions`).
 */
export function endpointUrl(baseUrl: string, endpoint: string): string {
  const q = baseUrl.search(/[?#]/);
  if (q < 0) return `${baseUrl.replace(/\/+$/, '')}/${endpoint}`;
  const head = baseUrl.slice(0, q).replace(/\/+$/, '');
  const tail = baseUrl.slice(q).replace(/#.*$/, '');
  return `${head}/${endpoint}${tail}`;
}
