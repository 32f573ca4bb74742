import type { JudgeFn } from '../grade/types.ts';
import { sendChatCompletion, type ClientDeps } from '../providers/openai-client.ts';
import { endpointUrl } from '../providers/url-policy.ts';
import { requestCostFor, type PriceTable } from '../cost/index.ts';
import type { ResolvedProvider } from '../run/run-jobs.ts';

/**
 * The judge for llm-rubric assertions: one non-streamed request to `grading.judge`. Its tokens,
 * cost and latency go back to the grader and are recorded apart from the judged model's row.
 */
export function createJudge(modelRef: string, provider: ResolvedProvider, prices: PriceTable, deps: ClientDeps = {}): JudgeFn {
  const model = modelRef.slice(modelRef.indexOf(':') + 1);
  return async (prompt, options) => {
    const r = await sendChatCompletion(
      {
        url: endpointUrl(provider.endpoint.baseUrl, 'chat/completions'),
        apiKey: provider.apiKey,
        headers: provider.endpoint.headers,
        body: { model, messages: [{ role: 'user', content: prompt }], stream: false, temperature: 0 },
        timeoutMs: 120_000,
        signal: options?.signal,
      },
      deps,
    );
    if (!r.ok) throw new Error(`judge ${modelRef} failed: ${r.errorType}: ${r.errorMessage}`);
    const u = r.usage;
    return {
      text: r.content,
      promptTokens: u?.promptTokens ?? null,
      completionTokens: u?.completionTokens ?? null,
      latencyMs: r.marks.end - r.marks.send,
      costUsd: u ? requestCostFor(prices, modelRef, {
        promptTokens: u.promptTokens, cachedTokens: u.cachedTokens, completionTokens: u.completionTokens,
      }) : null,
    };
  };
}
