/**
 * Why a request failed: a closed list, documented in the README.
 * - rate_limited: HTTP 429
 * - auth: HTTP 401/403
 * - bad_request: any other 4xx
 * - server_error: HTTP 5xx
 * - timeout: no complete answer within timeout_ms
 * - connection: refused, DNS, TLS, reset before the response headers
 * - stream_reset: the connection broke after headers, mid-body
 * - stream_error: an error object or `error` event inside a 200 response
 * - invalid_response: a 2xx body that is not the chat-completions shape (HTML, bad JSON, a
 *   malformed JSON event in a stream, over the size limits), or a redirect that is not followed
 * - empty_response: a stream with no token-bearing event / a body with no content
 * - truncated: a stream that ended without finish_reason or [DONE]
 * - interrupted: cancelled by the user (Ctrl-C) while in flight
 * - budget: not run because the cost budget was reached (status skipped)
 * - incomplete: a duration run ended first: still in flight (aborted at the end, status error) or
 *   released but never sent (open loop, status skipped). Left out of error rates and goodput.
 */
export const ERROR_TYPES = [
  'rate_limited', 'auth', 'bad_request', 'server_error', 'timeout', 'connection', 'stream_reset',
  'stream_error', 'invalid_response', 'empty_response', 'truncated', 'interrupted', 'budget',
  'incomplete',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];
