import { startSimulator } from '../../../src/providers/sim/index.ts';
const sim = await startSimulator();
console.log(sim.url);
for (const [model, prompt, effort] of [['fast','What is 17 * 23?'],['reasoner','What is the capital of France?','low'],['slow','Tell me about databases'],['reasoner','Return JSON with keys a and b','high']] as string[][]) {
  const t = performance.now();
  const r = await fetch(sim.url + '/chat/completions', { method: 'POST', headers: {'content-type':'application/json'}, body: JSON.stringify({ model, messages:[{role:'user',content:prompt}], stream: true, stream_options:{include_usage:true}, ...(effort?{reasoning_effort:effort}:{}) })});
  console.log(r.status, Object.fromEntries([...r.headers].filter(([k])=>k.startsWith('x-sim'))));
  const text = await r.text();
  console.log((performance.now()-t).toFixed(1), text.split('\n').filter(Boolean).length, text.slice(0, 300), '...', text.slice(-700));
}
const r = await fetch(sim.url + '/chat/completions', { method: 'POST', body: JSON.stringify({ model:'reasoner', messages:[{role:'user',content:'Uppercase hello world'}], max_completion_tokens: 20 })});
console.log(await r.text());
console.log(sim.stats());
await sim.close();
