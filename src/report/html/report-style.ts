import { PALETTE } from './chart-frame.ts';

/** The report's whole stylesheet, inlined: no web fonts, no external sheets. */
export const REPORT_CSS = `:root{color-scheme:light}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1400px;margin:0 auto;padding:12px 24px 32px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}h3{font-size:15px}
nav a{margin-right:14px;color:#2d5a8a}
table{border-collapse:collapse;font-size:13px;background:#fff}
th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f0f0f0;position:sticky;top:0;z-index:1}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.overall td{font-weight:600;background:#f4f4f4}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,560px),1fr));gap:16px}
figure.chart{margin:0;background:#fff;border:1px solid #ddd;border-radius:4px;padding:8px;min-width:0}
figcaption{font-weight:600;margin-bottom:4px}
figure.chart>svg{display:block;width:100%;height:auto}
svg text{font:11px system-ui,sans-serif;fill:#333}
svg .axis-label{font-size:12px;fill:#555}
svg .grid{stroke:#ebebeb}svg .axis{stroke:#999}
svg .empty{fill:#999;font-size:14px}
svg .value{font-size:10px;fill:#555}
.legend{list-style:none;padding:0;margin:6px 0 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
.legend svg{vertical-align:middle;margin-right:4px}
.note{color:#666;font-size:12px;margin:4px 0;max-width:80ch}
.warn{color:#7a4f00;background:#fff7e0;border:1px solid #f0d890;padding:4px 8px;border-radius:3px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}
dt{font-weight:600}dd{margin:0}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
${PALETTE.map((c, i) => `.c${i}{background:${c}}`).join('')}
.badge{padding:0 5px;border-radius:3px;font-size:12px}
.badge.pass{background:#dff3e0;color:#1d6b28}.badge.fail{background:#fde2e1;color:#a3221b}
.badge.error{background:#a3221b;color:#fff}.badge.skipped{background:#eee;color:#666}.badge.ok{background:#e6eef7;color:#2d5a8a}
.text{white-space:pre-wrap;font:12px/1.35 ui-monospace,Menlo,Consolas,monospace}
.more{color:#888}
.scroll{overflow:auto;max-height:85vh;border:1px solid #ddd;width:fit-content;max-width:100%}
table.summary td:first-child{white-space:nowrap}
.scroll.wide{width:auto}
.cases{font-size:13px;background:#fff;min-width:1100px}
.cases .row{display:grid;grid-template-columns:52px 110px 170px 42px 66px 56px 72px 66px 96px 86px minmax(260px,3fr) minmax(180px,2fr);border-bottom:1px solid #e3e3e3;content-visibility:auto;contain-intrinsic-size:auto 60px}
.cases .row[hidden]{display:none}
.cases .head{position:sticky;top:0;z-index:1;background:#f0f0f0;font-weight:600;content-visibility:visible}
.cases .head button{font:inherit;color:inherit;background:none;border:0;padding:0;margin:0;text-align:inherit;cursor:pointer;width:100%}
.cases .head button:focus-visible{outline:2px solid #2d5a8a;outline-offset:1px}
.cases .head [aria-sort=ascending] button::after{content:" ▲"}
.cases .head [aria-sort=descending] button::after{content:" ▼"}
.cases [role=cell],.cases [role=columnheader]{padding:3px 6px;border-right:1px solid #eee;min-width:0}
.cases [role=cell]{overflow-wrap:anywhere}
.cases .num{text-align:right;font-variant-numeric:tabular-nums}
.filters{margin:8px 0;display:flex;gap:14px;align-items:center;flex-wrap:wrap}
.filters input{width:280px}
footer{color:#777;font-size:12px;margin-top:32px}
`;

/**
 * The only script: filters the case table by text and result, and sorts it by the column whose
 * header button is pressed (numbers as numbers, '-' after them, text in natural order so c2
 * comes before c10, results worst first by their data-k rank; a second press reverses; ties keep
 * the report's own order, failures first). Written for old browsers too
 * (no modules, no arrow functions); lower-cased row text is cached on first use.
 */
export const FILTER_SCRIPT = `(function(){
var q=document.getElementById('case-filter'),s=document.getElementById('case-status'),n=document.getElementById('case-count');
if(!q||!s||!n)return;
var rows=document.querySelectorAll('#cases .row[data-s]'),text=[];
function run(){var t=q.value.toLowerCase(),v=s.value,c=0;
for(var i=0;i<rows.length;i++){var r=rows[i],d=r.getAttribute('data-s');
var ok=v===''||(v==='bad'?(d==='fail'||d==='error'):d===v);
if(ok&&t!==''){if(text[i]===undefined)text[i]=r.textContent.toLowerCase();ok=text[i].indexOf(t)!==-1;}
r.hidden=!ok;if(ok)c++;}
n.textContent=c+' shown';}
q.addEventListener('input',run);s.addEventListener('change',run);
var table=document.getElementById('cases'),heads=document.querySelectorAll('#cases .head [data-col]'),col=-1,dir=1;
var words=window.Intl&&Intl.Collator?new Intl.Collator(undefined,{numeric:true,sensitivity:'base'}).compare:function(a,b){return a<b?-1:a>b?1:0;};
function key(r,i){var c=r.children[i];if(!c)return '';var k=c.getAttribute('data-k');if(k!==null)return Number(k);
var t=c.textContent,x=parseFloat(t.replace(/[$,~]/g,''));return isNaN(x)?t:x;}
function cmp(x,y){if(typeof x!==typeof y)return typeof x==='number'?-1:1;return typeof x==='number'?(x<y?-1:x>y?1:0):words(x,y);}
function sortBy(i){dir=i===col?-dir:1;col=i;var list=[].slice.call(rows),k=[];
for(var j=0;j<list.length;j++)k.push({r:list[j],v:key(list[j],i),n:j});
k.sort(function(a,b){return cmp(a.v,b.v)*dir||a.n-b.n;});
for(var m=0;m<k.length;m++)table.appendChild(k[m].r);
for(var h=0;h<heads.length;h++)heads[h].setAttribute('aria-sort',h===i?(dir>0?'ascending':'descending'):'none');}
for(var h=0;h<heads.length;h++)heads[h].addEventListener('click',(function(i){return function(){sortBy(i);};})(h));
})();`;
