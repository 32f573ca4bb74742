/** OpenAI-style error payloads, worded like the real API's so clients classify them the same way. */

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function errorBody(message: string, type: string, code: string | null = null, param: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

export const ERR = {
  badJson: () =>
    errorBody(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      'invalid_request_error',
    ),
  missing: (param: string) => errorBody(`Missing required parameter: '${param}'.`, 'invalid_request_error', 'missing_required_parameter', param),
  invalid: (param: string, message: string) => errorBody(message, 'invalid_request_error', 'invalid_value', param),
  modelNotFound: (model: string) =>
    errorBody(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model'),
  notFound: (path: string) => errorBody(`Invalid URL (${path})`, 'invalid_request_error', 'not_found'),
  rateLimited: (seconds: number) =>
    errorBody(
      `Rate limit reached for requests (simulated). Please try again in ${seconds}s.`,
      'requests',
      'rate_limit_exceeded',
    ),
  server: () =>
    errorBody(
      'The server had an error while processing your request. Sorry about that! (simulated)',
      'server_error',
      null,
    ),
  overloaded: () => errorBody('The engine is currently overloaded, please try again later. (simulated)', 'server_error', 'overloaded'),
  injected400: () => errorBody("Unsupported parameter: 'x-sim' (simulated 400).", 'invalid_request_error', 'unsupported_parameter', null),
  streamError: () => errorBody('The model produced an error mid-stream (simulated).', 'server_error', 'stream_error'),
  tooLarge: () => errorBody('Request body too large.', 'invalid_request_error', 'request_too_large'),
};

export const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
