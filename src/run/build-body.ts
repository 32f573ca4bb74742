import type { Job } from '../plan/types.ts';
import type { ChatRequestBody } from '../providers/types.ts';

/**
 * The request body for a job. Streams always ask for usage (servers that ignore it still work).
 * `extra_body` keys go in as they are, under the keys evalbench sets (the schema forbids overlap).
 */
export function buildRequestBody(job: Job): ChatRequestBody {
  const { extra_body: extra, ...params } = job.params;
  const body: ChatRequestBody = { ...extra, model: job.model, messages: job.messages, stream: job.stream, ...params };
  if (job.stream) body.stream_options = { include_usage: true };
  if (job.reasoningEffort !== null) body.reasoning_effort = job.reasoningEffort;
  return body;
}
