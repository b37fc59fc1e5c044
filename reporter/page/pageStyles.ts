/** The report page's stylesheet, inlined into `integration-report.html`. */
export const PAGE_STYLES = String.raw`
:root {
  --bg: #f5f6f8; --panel: #ffffff; --text: #1b2230; --muted: #657085; --faint: #9aa3b2;
  --border: #e3e6eb; --hover: #f0f3f8; --accent: #3557d6; --accent-bg: #e8edfc;
  --leak: #d63c3c; --leak-bg: #fdeaea; --leak-text: #a12626;
  --released: #8fa8e8; --released-text: #1d326e; --open: #e89a2c; --open-bg: #fff3e0;
  --pass: #1f9254; --fail: #d63c3c; --skip: #9aa3b2;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  color-scheme: light;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #12151b; --panel: #1a1e26; --text: #e4e7ee; --muted: #9aa3b5; --faint: #6b7385;
    --border: #2b313d; --hover: #222835; --accent: #7d98ff; --accent-bg: #242d4a;
    --leak: #f06262; --leak-bg: #3a1f22; --leak-text: #ff9c9c;
    --released: #4c64a8; --released-text: #e6ecff; --open: #d58a22; --open-bg: #3a2c16;
    color-scheme: dark;
  }
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--text); }
body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
button { font: inherit; color: inherit; }
.page { max-width: 1360px; margin: 0 auto; padding: 18px 24px 48px; }
header.top { display: flex; align-items: baseline; gap: 14px; flex-wrap: wrap; margin-bottom: 14px; }
header.top h1 { font-size: 20px; margin: 0; font-weight: 650; letter-spacing: -0.01em; }
header.top .meta { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin-bottom: 16px; }
.card { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 12px 14px;
  text-align: left; cursor: pointer; }
.card:hover { border-color: var(--accent); }
.card .value { font-size: 24px; font-weight: 650; line-height: 1.2; }
.card .label { color: var(--muted); }
.card .detail { color: var(--muted); font-size: 12px; margin-top: 2px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.card.bad .value { color: var(--leak); }
nav.tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--border); margin-bottom: 12px; }
nav.tabs button { background: none; border: 0; border-bottom: 2px solid transparent; padding: 8px 12px;
  cursor: pointer; color: var(--muted); font-weight: 550; }
nav.tabs button[aria-selected="true"] { color: var(--text); border-bottom-color: var(--accent); }
nav.tabs .count { display: inline-block; min-width: 18px; padding: 0 5px; margin-left: 6px; border-radius: 9px;
  background: var(--hover); color: var(--muted); font-size: 11px; text-align: center; }
nav.tabs .count.bad { background: var(--leak-bg); color: var(--leak-text); }
.toolbar { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin-bottom: 10px; }
.toolbar input[type="search"] { flex: 1 1 280px; max-width: 460px; padding: 6px 10px; border: 1px solid var(--border);
  border-radius: 7px; background: var(--panel); color: var(--text); }
.toolbar select, .toolbar button { padding: 5px 10px; border: 1px solid var(--border); border-radius: 7px;
  background: var(--panel); cursor: pointer; }
.toolbar .spacer { flex: 1; }
.toolbar .hint { color: var(--muted); }
.legend { display: flex; gap: 12px; color: var(--muted); font-size: 12px; }
.legend i { display: inline-block; width: 14px; height: 9px; border-radius: 3px; margin-right: 5px; vertical-align: -1px; }
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; overflow: hidden; }
.group + .group { border-top: 1px solid var(--border); }
.group-head { display: flex; align-items: center; gap: 10px; width: 100%; padding: 8px 12px; border: 0;
  background: none; cursor: pointer; text-align: left; }
.group-head:hover { background: var(--hover); }
.group-head .chevron { width: 12px; color: var(--faint); transition: transform 0.1s; }
.group[data-open="true"] .chevron { transform: rotate(90deg); }
.group-head .path { font-family: var(--mono); font-size: 12.5px; flex: 1; min-width: 0; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: 11.5px; background: var(--hover);
  color: var(--muted); white-space: nowrap; }
.badge.leak { background: var(--leak-bg); color: var(--leak-text); font-weight: 600; }
.badge.err { background: var(--open-bg); color: var(--open); }
.badge.kind { background: var(--accent-bg); color: var(--accent); }
.dot { width: 8px; height: 8px; border-radius: 50%; flex: none; background: var(--skip); }
.dot.passed { background: var(--pass); } .dot.failed { background: var(--fail); }
.rows { border-top: 1px solid var(--border); }
.row { display: grid; grid-template-columns: minmax(220px, 32%) 1fr; gap: 12px; padding: 7px 12px 7px 34px; }
.row + .row { border-top: 1px dashed var(--border); }
.row.leaky { background: linear-gradient(90deg, var(--leak-bg), transparent 40%); }
.row .name { min-width: 0; display: flex; gap: 7px; align-items: flex-start; }
.row .name .text { overflow-wrap: anywhere; }
.row .name .dot { margin-top: 5px; }
.row .sub { color: var(--muted); font-size: 12px; }
.track-wrap { min-width: 0; }
.track { position: relative; background: repeating-linear-gradient(90deg, transparent 0 calc(25% - 1px), var(--border) calc(25% - 1px) 25%);
  border-radius: 4px; min-height: 20px; }
.track.empty { background: none; color: var(--faint); font-size: 12px; min-height: 0; }
.bar { position: absolute; height: 16px; border: 0; border-radius: 4px; padding: 0 6px; font-size: 11px; line-height: 16px;
  text-align: left; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; cursor: pointer; min-width: 4px;
  background: var(--released); color: var(--released-text); }
.bar:hover, .bar:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; z-index: 2; }
.bar.leaked { background: var(--leak); color: #fff; font-weight: 600; }
.bar.leaked.still-open { background: repeating-linear-gradient(135deg, var(--leak) 0 8px, #b82f2f 8px 12px); }
.bar.open { background: var(--open); color: #fff; }
.test-end { position: absolute; top: -3px; bottom: -3px; width: 0; border-left: 2px dashed var(--muted); z-index: 1; }
.legend i.test-end-swatch { width: 0; height: 12px; border-left: 2px dashed var(--muted); border-radius: 0; vertical-align: -2px; }
.axis { display: flex; justify-content: space-between; color: var(--faint); font-size: 11px; margin-top: 2px; }
.more { margin-top: 4px; border: 0; background: none; color: var(--accent); cursor: pointer; padding: 0; font-size: 12px; }
.pager { display: flex; gap: 8px; align-items: center; justify-content: center; padding: 10px; color: var(--muted); }
.pager button { padding: 4px 10px; border: 1px solid var(--border); border-radius: 6px; background: var(--panel); cursor: pointer; }
.pager button[disabled] { opacity: 0.4; cursor: default; }
.empty-state { padding: 28px; text-align: center; color: var(--muted); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--border); vertical-align: top; }
th { color: var(--muted); font-weight: 550; font-size: 12px; background: var(--bg); position: sticky; top: 0; }
tbody tr:hover { background: var(--hover); }
tbody tr.clickable { cursor: pointer; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td code, .mono { font-family: var(--mono); font-size: 12px; overflow-wrap: anywhere; }
.value-old { color: var(--leak-text); } .value-new { color: var(--pass); }
.meter { height: 6px; border-radius: 3px; background: var(--leak); opacity: 0.85; }
a.link, button.link { color: var(--accent); background: none; border: 0; padding: 0; cursor: pointer; text-align: left; text-decoration: none; }
a.link:hover, button.link:hover { text-decoration: underline; }
.split { display: grid; grid-template-columns: minmax(0, 1fr); gap: 14px; }
.graph { overflow: auto; padding: 8px; }
.graph svg { display: block; margin: 0 auto; }
.graph .node rect { fill: var(--panel); stroke: var(--border); stroke-width: 1.5; }
.graph .node text { fill: var(--text); font-size: 12px; font-family: var(--mono); }
.graph .node .sub { fill: var(--muted); font-family: system-ui, sans-serif; font-size: 10.5px; }
.graph .node.dim, .graph .edge.dim { opacity: 0.25; }
.graph .edge path { fill: none; stroke: var(--leak); stroke-opacity: 0.7; }
.graph .edge:hover path, .graph .edge.selected path { stroke-opacity: 1; }
.graph .edge rect { fill: var(--panel); stroke: var(--leak); }
.graph .edge text { fill: var(--leak-text); font-size: 11px; font-weight: 600; }
.graph .edge { cursor: pointer; }
.section-title { font-size: 14px; font-weight: 620; margin: 16px 0 8px; display: flex; gap: 10px; align-items: baseline; }
.section-title .hint { font-weight: 400; color: var(--muted); font-size: 12px; }
.chips { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 10px; }
.chip { border: 1px solid var(--border); background: var(--panel); border-radius: 14px; padding: 2px 10px; cursor: pointer; font-family: var(--mono); font-size: 12px; }
.chip[aria-pressed="true"] { background: var(--accent-bg); border-color: var(--accent); color: var(--accent); }
#tooltip { position: fixed; z-index: 20; pointer-events: none; max-width: 420px; background: #1b2230; color: #f3f5f9;
  border-radius: 8px; padding: 8px 10px; font-size: 12px; box-shadow: 0 6px 24px rgba(0, 0, 0, 0.25); display: none; }
#tooltip .title { font-weight: 650; margin-bottom: 3px; }
#tooltip .site { font-family: var(--mono); color: #ffd48a; overflow-wrap: anywhere; }
#tooltip .leak { color: #ff9c9c; font-weight: 600; }
#drawer { position: fixed; top: 0; right: 0; bottom: 0; width: min(520px, 92vw); background: var(--panel);
  border-left: 1px solid var(--border); box-shadow: -10px 0 30px rgba(0, 0, 0, 0.12); z-index: 30; display: none;
  flex-direction: column; }
#drawer[data-open="true"] { display: flex; }
#drawer header { display: flex; align-items: center; gap: 10px; padding: 12px 16px; border-bottom: 1px solid var(--border); }
#drawer header h2 { font-size: 15px; margin: 0; flex: 1; overflow-wrap: anywhere; }
#drawer header button { border: 1px solid var(--border); background: var(--panel); border-radius: 6px; cursor: pointer; padding: 3px 9px; }
#drawer .body { padding: 12px 16px; overflow: auto; }
#drawer dl { display: grid; grid-template-columns: 120px 1fr; gap: 5px 10px; margin: 0 0 12px; }
#drawer dt { color: var(--muted); }
#drawer dd { margin: 0; overflow-wrap: anywhere; }
pre { background: var(--bg); border: 1px solid var(--border); border-radius: 7px; padding: 9px 11px; overflow: auto;
  font-family: var(--mono); font-size: 11.5px; line-height: 1.5; max-height: 340px; margin: 0 0 12px; white-space: pre; }
@media (max-width: 900px) {
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .row { grid-template-columns: 1fr; padding-left: 16px; }
}
`;
