import type { Job } from '../plan/types.ts';
import type { ChatRequestBody } from '../providers/types.ts';

/** The request body for a job. Streams always ask for usage (servers that ignore it still work). */
export function buildRequestBody(job: Job): ChatRequestBody {
  const body: ChatRequestBody = { model: job.model, messages: job.messages, stream: job.stream, ...job.params };
  if (job.stream) body.stream_options = { include_usage: true };
  if (job.reasoningEffort !== null) body.reasoning_effort = job.reasoningEffort;
  return body;
}
