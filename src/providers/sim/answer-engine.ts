import type { SeededRandom } from './seeded-random.ts';
import { countTokens } from './token-pieces.ts';

/**
 * The simulator's rule-based "model": it recognises a few simple, gradable task prompts and
 * answers them correctly or plausibly wrongly (the choice is made by the caller from the model's
 * accuracy). It is a simulator, not a language model.
 *
 * | task        | example prompt                              | correct answer        | plausibly wrong answer                      |
 * |-------------|---------------------------------------------|-----------------------|---------------------------------------------|
 * | exact-reply | Reply with exactly: OK                      | OK                    | "Sure! OK", "OK." or lower-cased            |
 * | json        | Return JSON with keys a and b               | {"a":1,"b":2}         | a key missing, a ```json fence, or invalid  |
 * | reverse     | Reverse the word stressed                   | desserts              | two adjacent letters swapped                |
 * | uppercase   | Uppercase hello world / Convert x to upper… | HELLO WORLD           | last letter left lower-case                 |
 * | count       | Count the letters in banana / How many r's… | 6                     | off by one                                  |
 * | capital     | What is the capital of France?              | Paris                 | another country's capital                   |
 * | arithmetic  | What is 17 * 23? (+ - * / ^ ( ), words too) | 391                   | off by one or by ten                        |
 * | generic     | anything else                               | a 30-80 token prose answer on the prompt's first words (never graded) |
 *
 * Answers are bare (no sentence around them), so `equals`, `contains` and `regex` graders all work.
 */

export interface TaskMatch {
  task: string;
  correct: string;
  wrong(rng: SeededRandom): string;
  /** One sentence the reasoning trace opens with. */
  gist: string;
}

export interface EngineAnswer {
  /** null = no gradable task recognised (a generic answer). */
  task: string | null;
  text: string;
  correct: boolean | null;
  gist: string;
}

/** Capitals the engine knows (lower-case country -> capital). */
export const CAPITALS: Readonly<Record<string, string>> = {
  france: 'Paris', germany: 'Berlin', italy: 'Rome', spain: 'Madrid', portugal: 'Lisbon',
  'united kingdom': 'London', uk: 'London', england: 'London', ireland: 'Dublin', netherlands: 'Amsterdam',
  belgium: 'Brussels', switzerland: 'Bern', austria: 'Vienna', poland: 'Warsaw', sweden: 'Stockholm',
  norway: 'Oslo', denmark: 'Copenhagen', finland: 'Helsinki', greece: 'Athens', turkey: 'Ankara',
  russia: 'Moscow', ukraine: 'Kyiv', egypt: 'Cairo', kenya: 'Nairobi', nigeria: 'Abuja',
  'south africa': 'Pretoria', japan: 'Tokyo', china: 'Beijing', 'south korea': 'Seoul', india: 'New Delhi',
  australia: 'Canberra', 'new zealand': 'Wellington', canada: 'Ottawa', 'united states': 'Washington, D.C.',
  usa: 'Washington, D.C.', mexico: 'Mexico City', brazil: 'Brasilia', argentina: 'Buenos Aires',
  chile: 'Santiago', peru: 'Lima', colombia: 'Bogota',
};
const ALL_CAPITALS = [...new Set(Object.values(CAPITALS))];

function unquote(s: string): string {
  let t = s.trim();
  const m = /^["'“‘`](.*)["'”’`]$/s.exec(t);
  if (m) t = m[1];
  return t;
}

/** The argument after a verb: quoted text if quoted, else the rest with trailing punctuation cut. */
function argument(raw: string): string {
  const t = raw.trim();
  const quoted = /^["'“‘`]([^"'”’`]*)["'”’`]/.exec(t);
  if (quoted) return quoted[1];
  return t.replace(/[\s?.!]+$/u, '');
}

function swapAdjacent(s: string, rng: SeededRandom): string {
  const chars = [...s];
  const candidates: number[] = [];
  for (let i = 0; i + 1 < chars.length; i++) if (chars[i] !== chars[i + 1]) candidates.push(i);
  if (candidates.length === 0) return s + (chars[chars.length - 1] ?? 'x');
  const i = rng.pick(candidates);
  [chars[i], chars[i + 1]] = [chars[i + 1], chars[i]];
  return chars.join('');
}

function offByOne(n: number, rng: SeededRandom): number {
  if (n <= 0) return n + 1;
  return rng.next() < 0.5 ? n - 1 : n + 1;
}

const exactReply = (p: string): TaskMatch | null => {
  const m = /\b(?:reply|respond|answer|say|output)(?:\s+with)?\s+exactly\s*:?\s*(.+)$/is.exec(p);
  if (!m) return null;
  const x = unquote(m[1].trim());
  if (!x) return null;
  return {
    task: 'exact-reply',
    correct: x,
    gist: `The user wants me to reply with exactly "${x}" and nothing else.`,
    wrong: (rng) => {
      const options = [`Sure! ${x}`];
      if (!/[.!?]$/.test(x)) options.push(`${x}.`);
      if (x.toLowerCase() !== x) options.push(x.toLowerCase());
      return rng.pick(options);
    },
  };
};

const JSON_KEY_VALUES: Record<string, unknown> = {
  name: 'Ada Lovelace', age: 36, city: 'London', country: 'United Kingdom', email: 'ada@example.com',
  id: 1, title: 'Notes on the Analytical Engine', year: 1843, ok: true, status: 'ok', count: 3,
  answer: 42, language: 'English', price: 9.99, active: true,
};

const jsonTask = (p: string): TaskMatch | null => {
  if (!/\bjson\b/i.test(p)) return null;
  const m = /\bkeys?\s*:?\s*(.+?)(?:[.?!]\s|[.?!]?$)/is.exec(p);
  const keys = m
    ? m[1]
        .split(/\s*(?:,|\band\b|&)\s*/i)
        .map((k) => k.trim().replace(/^["'`“]|["'`”]$/g, '').trim())
        .filter((k) => /^[A-Za-z_][\w-]*$/.test(k))
    : [];
  if (keys.length === 0) keys.push('answer');
  const obj: Record<string, unknown> = {};
  keys.forEach((k, i) => {
    obj[k] = k in JSON_KEY_VALUES ? JSON_KEY_VALUES[k] : k.length === 1 ? i + 1 : `${k} value`;
  });
  const correct = JSON.stringify(obj);
  return {
    task: 'json',
    correct,
    gist: `The user wants a JSON object with the keys ${keys.join(', ')}.`,
    wrong: (rng) => {
      const options = ['```json\n' + correct + '\n```', correct.replace(/}$/, ',}')];
      if (keys.length > 1) {
        const partial = { ...obj };
        delete partial[keys[keys.length - 1]];
        options.push(JSON.stringify(partial));
      }
      return rng.pick(options);
    },
  };
};

const reverseTask = (p: string): TaskMatch | null => {
  const m = /\breverse\s+(?:the\s+)?(?:word|string|text|letters\s+(?:of|in))?\s*:?\s*(.+)$/is.exec(p);
  if (!m) return null;
  const x = argument(m[1]).split(/\s+/)[0];
  if (!x) return null;
  const correct = [...x].reverse().join('');
  return {
    task: 'reverse',
    correct,
    gist: `I need to write the letters of "${x}" in reverse order.`,
    wrong: (rng) => swapAdjacent(correct, rng),
  };
};

const uppercaseTask = (p: string): TaskMatch | null => {
  const m =
    /\bconvert\s+(.+?)\s+to\s+upper\s*-?case\b/is.exec(p) ??
    /\bupper\s*-?case\s+(?:the\s+)?(?:word|string|text)?\s*:?\s*(.+)$/is.exec(p);
  if (!m) return null;
  const x = argument(m[1]);
  if (!/\p{L}/u.test(x)) return null;
  const correct = x.toUpperCase();
  return {
    task: 'uppercase',
    correct,
    gist: `I need to convert "${x}" to upper case.`,
    wrong: () => {
      const idx = correct.search(/\p{L}[^\p{L}]*$/u);
      return correct.slice(0, idx) + correct[idx].toLowerCase() + correct.slice(idx + 1);
    },
  };
};

const countTask = (p: string): TaskMatch | null => {
  // A specific letter: "How many times does the letter r appear in strawberry", "How many r's are in strawberry".
  const letter =
    /\bhow many times does (?:the letter )?["']?(\p{L})["']? (?:appear|occur) in (?:the word )?(.+)$/isu.exec(p) ??
    /\bhow many ["']?(\p{L})["']?(?:'s|s)? (?:are )?(?:there )?in (?:the word )?(.+)$/isu.exec(p) ??
    /\bcount (?:the )?(?:letter )?["']?(\p{L})["']?(?:'s|s)? in (?:the word )?(.+)$/isu.exec(p);
  if (letter && !/^letters?$/i.test(letter[1])) {
    const ch = letter[1].toLowerCase();
    const word = argument(letter[2]);
    const n = [...word.toLowerCase()].filter((c) => c === ch).length;
    return {
      task: 'count',
      correct: String(n),
      gist: `I need to count how many times "${ch}" appears in "${word}".`,
      wrong: (rng) => String(offByOne(n, rng)),
    };
  }
  const all =
    /\bcount (?:the )?(?:number of )?(?:letters|characters) in (?:the word )?(.+)$/is.exec(p) ??
    /\bhow many (?:letters|characters) (?:are )?(?:there )?in (?:the word )?(.+)$/is.exec(p) ??
    /\bhow many (?:letters|characters) does (.+?) have\b/is.exec(p);
  if (!all) return null;
  const word = argument(all[1]);
  const n = (word.match(/\p{L}/gu) ?? []).length;
  return {
    task: 'count',
    correct: String(n),
    gist: `I need to count the letters in "${word}".`,
    wrong: (rng) => String(offByOne(n, rng)),
  };
};

const capitalTask = (p: string): TaskMatch | null => {
  const of = /\bcapital(?:\s+city)?\s+of\s+(?:the\s+)?([\p{L} .'-]+)/iu.exec(p);
  const possessive = /((?:[\p{L}]+ )?[\p{L}]+)['’]s capital\b/iu.exec(p);
  let country: string | undefined;
  if (of) country = of[1].trim().replace(/[.\s]+$/, '');
  else if (possessive) {
    // "What is Italy's capital?": the country is the last one or two words before 's.
    const words = possessive[1].split(' ');
    country = words.length > 1 && CAPITALS[possessive[1].toLowerCase()] ? possessive[1] : words[words.length - 1];
  }
  if (!country) return null;
  const capital = CAPITALS[country.toLowerCase()];
  if (!capital) return null;
  return {
    task: 'capital',
    correct: capital,
    gist: `The question asks for the capital of ${country}.`,
    wrong: (rng) => {
      let other = rng.pick(ALL_CAPITALS);
      if (other === capital) other = ALL_CAPITALS[(ALL_CAPITALS.indexOf(other) + 1) % ALL_CAPITALS.length];
      return other;
    },
  };
};

/** Tiny recursive-descent evaluator for + - * / ^ and parentheses (no eval). */
function evaluate(expr: string): number | null {
  const tokens = expr.match(/\d+(?:\.\d+)?|[-+*/^()]/g);
  if (!tokens) return null;
  let pos = 0;
  const peek = () => tokens[pos];
  const primary = (): number => {
    const t = tokens[pos++];
    if (t === '(') {
      const v = sum();
      if (tokens[pos++] !== ')') throw new Error('paren');
      return v;
    }
    if (t === '-') return -primary();
    if (t === undefined || !/^\d/.test(t)) throw new Error('number');
    return Number(t);
  };
  const power = (): number => {
    const base = primary();
    if (peek() === '^') {
      pos++;
      return base ** power();
    }
    return base;
  };
  const product = (): number => {
    let v = power();
    while (peek() === '*' || peek() === '/') {
      const op = tokens[pos++];
      const r = power();
      v = op === '*' ? v * r : v / r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[pos++];
      const r = product();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  try {
    const v = sum();
    return pos === tokens.length && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toFixed(4)));
}

const arithmeticTask = (p: string): TaskMatch | null => {
  const normalised = p
    .replace(/\bmultiplied by\b|\btimes\b|×/gi, '*')
    .replace(/\bdivided by\b|÷/gi, '/')
    .replace(/\bplus\b/gi, '+')
    .replace(/\bminus\b/gi, '-')
    .replace(/\bto the power of\b/gi, '^')
    .replace(/(\d)\s*[xX]\s*(?=\d)/g, '$1*');
  const candidates = normalised.match(/[-+*/^().\d\s]+/g) ?? [];
  const expr = candidates
    .map((c) => c.trim().replace(/[.\s]+$/, ''))
    .filter((c) => /\d\s*[-+*/^]\s*[-(]?\s*\d/.test(c))
    .sort((a, b) => b.length - a.length)[0];
  if (!expr) return null;
  const value = evaluate(expr);
  if (value === null) return null;
  const correct = formatNumber(value);
  return {
    task: 'arithmetic',
    correct,
    gist: `I need to compute ${expr.replace(/\s+/g, ' ')}.`,
    wrong: (rng) => {
      if (!Number.isInteger(value)) return formatNumber(value + (rng.next() < 0.5 ? 0.1 : -0.1));
      return formatNumber(rng.next() < 0.75 ? offByOne(value, rng) : value + (rng.next() < 0.5 ? 10 : -10));
    },
  };
};

/** Order matters: the more specific phrasings first, arithmetic (digits anywhere) last. */
const TASKS = [exactReply, jsonTask, reverseTask, uppercaseTask, countTask, capitalTask, arithmeticTask];

export function matchTask(prompt: string): TaskMatch | null {
  for (const t of TASKS) {
    const m = t(prompt);
    if (m) return m;
  }
  return null;
}

const GENERIC_SENTENCES = [
  'The short answer is that it depends on the context and the constraints you care about most.',
  'A good first step is to state the goal clearly and list what is already known.',
  'In practice, most people start with the simplest approach and refine it once they see results.',
  'It helps to compare two or three options side by side before committing to one.',
  'Keep in mind that small details, such as units and edge cases, often matter more than expected.',
  'If you need a precise figure, measure it directly rather than relying on an estimate.',
  'Documentation and a few worked examples usually clear up the remaining questions.',
  'Finally, write down the decision and the reason for it, so it can be revisited later.',
  'There are trade-offs between speed, cost and quality, and no single choice wins on all three.',
  'A quick experiment is often cheaper than a long discussion.',
  'Experts tend to agree on the basics, while the finer points remain a matter of taste.',
  'Breaking the problem into smaller parts makes each part easier to check.',
];

function topicOf(prompt: string): string {
  const words = prompt.replace(/[^\p{L}\p{N}\s'-]/gu, ' ').split(/\s+/).filter(Boolean).slice(0, 8);
  return words.length > 0 ? words.join(' ') : 'your question';
}

/** A plausible 30-80 token prose answer, deterministic for a given rng state. */
export function genericAnswer(prompt: string, rng: SeededRandom): string {
  const target = 30 + rng.int(51);
  const parts = [`Here is a brief answer about "${topicOf(prompt)}".`];
  let tokens = countTokens(parts[0]);
  const pool = [...GENERIC_SENTENCES];
  while (tokens < target && pool.length > 0) {
    const s = pool.splice(rng.int(pool.length), 1)[0];
    parts.push(s);
    tokens += countTokens(s);
  }
  return parts.join(' ');
}

/** The answer to a prompt; `correct` is decided by the caller (the model's accuracy). */
export function answerPrompt(prompt: string, correct: boolean, rng: SeededRandom): EngineAnswer {
  const m = matchTask(prompt);
  if (!m) return { task: null, text: genericAnswer(prompt, rng), correct: null, gist: `The user asks about ${topicOf(prompt)}.` };
  return { task: m.task, text: correct ? m.correct : m.wrong(rng), correct, gist: m.gist };
}
