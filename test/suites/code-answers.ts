/**
 * Answers to the tasks of suites/code.yaml, shaped like a model's reply (prose, a fenced block).
 * GOOD: correct solutions, so every test table in the suite must pass them (a wrong expected
 * value in the suite shows up here). BAD: plausible buggy solutions each table must catch.
 */

const fence = (code: string, lang = 'javascript') => `Here is the function:\n\n\`\`\`${lang}\n${code.trim()}\n\`\`\`\n`;

export const GOOD_ANSWERS: Record<string, string> = {
  'is-palindrome': fence(`
function isPalindrome(s) {
  const t = s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return t === [...t].reverse().join('');
}`),
  'reverse-words': fence(`
function reverseWords(s) {
  return s.trim().split(/\\s+/).filter(Boolean).reverse().join(' ');
}`),
  'capitalize-words': fence(`
function capitalizeWords(s) {
  return s.split(' ').map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join(' ');
}`),
  'count-vowels': fence(`
const countVowels = (s) => (s.match(/[aeiou]/gi) || []).length;`),
  'are-anagrams': fence(`
function areAnagrams(a, b) {
  const norm = (s) => [...s.toLowerCase().replace(/ /g, '')].sort().join('');
  return norm(a) === norm(b);
}`),
  'camel-to-snake': fence(`
export function camelToSnake(s) {
  return s.replace(/[A-Z]/g, (c, i) => (i === 0 ? '' : '_') + c.toLowerCase());
}`),
  'run-length-encode': fence(`
function runLengthEncode(s) {
  let out = '';
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j < s.length && s[j] === s[i]) j++;
    out += s[i] + (j - i);
    i = j;
  }
  return out;
}`),
  'balanced-brackets': fence(`
function isBalanced(s) {
  const pairs = { ')': '(', ']': '[', '}': '{' };
  const stack = [];
  for (const c of s) {
    if ('([{'.includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return false;
  }
  return stack.length === 0;
}`),
  'parse-query-string': fence(`
function parseQuery(qs) {
  const out = {};
  const s = qs.startsWith('?') ? qs.slice(1) : qs;
  if (!s) return out;
  for (const pair of s.split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const dec = (x) => decodeURIComponent(x.replace(/\\+/g, ' '));
    if (i < 0) out[dec(pair)] = '';
    else out[dec(pair.slice(0, i))] = dec(pair.slice(i + 1));
  }
  return out;
}`),
  'format-duration': fence(`
function formatDuration(seconds) {
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  const parts = [];
  if (h) parts.push(h + 'h');
  if (m) parts.push(m + 'm');
  if (s || parts.length === 0) parts.push(s + 's');
  return parts.join(' ');
}`),
  'fizz-buzz': fence(`
function fizzBuzz(n) {
  const out = [];
  for (let i = 1; i <= n; i++) out.push(i % 15 === 0 ? 'FizzBuzz' : i % 3 === 0 ? 'Fizz' : i % 5 === 0 ? 'Buzz' : String(i));
  return out;
}`),
  fibonacci: fence(`
function fibonacci(n) {
  let a = 0, b = 1;
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}`),
  'is-prime': fence(`
function isPrime(n) {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}`),
  gcd: fence(`
function gcd(a, b) {
  a = Math.abs(a); b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}`),
  'roman-to-int': fence(`
function romanToInt(s) {
  const v = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };
  let total = 0;
  for (let i = 0; i < s.length; i++) total += v[s[i]] < (v[s[i + 1]] || 0) ? -v[s[i]] : v[s[i]];
  return total;
}`),
  'int-to-roman': fence(`
function intToRoman(n) {
  const table = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let out = '';
  for (const [value, sym] of table) while (n >= value) { out += sym; n -= value; }
  return out;
}`),
  'digital-root': fence(`
function digitalRoot(n) {
  while (n >= 10) n = String(n).split('').reduce((s, d) => s + Number(d), 0);
  return n;
}`),
  median: fence(`
function median(numbers) {
  const s = [...numbers].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}`),
  'flatten-deep': fence(`
const flattenDeep = (arr) => arr.flat(Infinity);`, 'js'),
  chunk: fence(`
function chunk(arr, size) {
  const out = [];
  for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
  return out;
}`),
  'unique-in-order': fence(`
const unique = (arr) => [...new Set(arr)];`),
  'binary-search': fence(`
function binarySearch(sorted, target) {
  let lo = 0, hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === target) return mid;
    if (sorted[mid] < target) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}`),
  'merge-sorted': fence(`
function mergeSorted(a, b) {
  const out = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++]);
  return out;
}`),
  'max-subarray-sum': fence(`
function maxSubarraySum(nums) {
  let best = nums[0], cur = nums[0];
  for (const x of nums.slice(1)) { cur = Math.max(x, cur + x); best = Math.max(best, cur); }
  return best;
}`),
  transpose: fence(`
const transpose = (m) => (m.length ? m[0].map((_, c) => m.map((row) => row[c])) : []);`),
  'word-frequency': fence(`
function wordFrequency(text) {
  const out = {};
  for (const w of text.toLowerCase().match(/[a-z']+/g) || []) out[w] = (out[w] || 0) + 1;
  return out;
}`),
  'group-by': fence(`
function groupBy(items, key) {
  const out = {};
  for (const item of items) (out[String(item[key])] ??= []).push(item);
  return out;
}`),
  'validate-input': fence(`
function parsePort(text) {
  const t = text.trim();
  if (!/^[0-9]+$/.test(t)) throw new TypeError('not a port: ' + text);
  const n = Number(t);
  if (n < 1 || n > 65535) throw new RangeError('port out of range: ' + n);
  return n;
}`),
};

/** Plausible mistakes: each must fail its case's tests (but most pass some, so score is partial). */
export const BAD_ANSWERS: Record<string, string> = {
  // Forgets to ignore punctuation and case.
  'is-palindrome': fence(`
function isPalindrome(s) { return s === [...s].reverse().join(''); }`),
  // Naive recursion: right on small inputs, times out on fibonacci(70).
  // Never returns for the large input (the per-call limit must stop it); instant for the small ones,
  // so a busy machine cannot push them past the limit too.
  fibonacci: fence(`
function fibonacci(n) {
  if (n > 40) for (;;) {}
  let a = 0, b = 1;
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}`),
  // Sorts as strings (the classic default-sort bug).
  median: fence(`
function median(numbers) {
  const s = [...numbers].sort();
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}`),
  // Only counts brackets, ignores their order.
  'balanced-brackets': fence(`
function isBalanced(s) {
  let depth = 0;
  for (const c of s) { if ('([{'.includes(c)) depth++; else if (')]}'.includes(c)) depth--; }
  return depth === 0;
}`),
  // Throws the wrong error type for out-of-range numbers.
  'validate-input': fence(`
function parsePort(text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new TypeError('bad port');
  return n;
}`),
  // Wrong function name: the grader reports that no function of the asked name exists.
  gcd: fence(`
function greatestCommonDivisor(a, b) { return b ? greatestCommonDivisor(b, a % b) : Math.abs(a); }`),
  // Does not parse.
  chunk: fence(`
function chunk(arr, size) {
  return arr.reduce((acc, x, i) => { (i % size ? acc[acc.length - 1] : acc.push([])) ; }
`),
};
