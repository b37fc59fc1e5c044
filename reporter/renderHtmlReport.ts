import type { IntegrationReport } from './IntegrationReport';
import { PAGE_SCRIPT } from './page/pageScript';
import { PAGE_STYLES } from './page/pageStyles';

/**
 * Nothing on the page may come from the network: the policy makes the browser refuse it,
 * so a report opened from a CI artifact behaves the same offline.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/**
 * `integration-report.html`: one self-contained file (styles, script and the report itself
 * inline) with a timeline of resource lifetimes per test, leaks by module, a graph of the
 * modules errors crossed, and the config changes.
 *
 * @example
 * writeFileSync('integration-report.html', renderHtmlReport(report));
 */
export function renderHtmlReport(report: IntegrationReport): string {
  const leaks = report.summary.leaked_resources;
  const title = `Integration report: ${leaks === 0 ? 'no leaks' : `${leaks} leaked resource${leaks === 1 ? '' : 's'}`}, ${report.summary.tests} tests`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLES}</style>
</head>
<body>
<div id="app"><noscript>This report is drawn by its own inline script: open it in a browser with JavaScript enabled, or read integration-report.json.</noscript></div>
<script type="application/json" id="report-data">${embeddedJson(report)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * The report as JSON that cannot end its `<script>` element early: every `<` is written as
 * `\u003c`, which `JSON.parse` reads back as `<` (a recorded value may contain `</script>`).
 */
function embeddedJson(report: IntegrationReport): string {
  return JSON.stringify(report)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
