/**
 * The comparison view's page, built without `vscode` so a unit test can read it: one row per
 * candidate, theme colours from VS Code's CSS variables, real buttons in reading order, a strict
 * content security policy with a nonce, and every string from outside escaped.
 */
import { formatCost } from '../../core/generation/models';
import type { CandidateResult } from '../../core/race/types';
import { safeInline } from '../../core/terminalText';
import { seconds, verdictText } from './raceText';

export interface ComparisonModel {
  /** What raced: the contract's file name and the output folder, as shown. */
  contract: string;
  folder: string;
  winner: number | undefined;
  /** The candidate whose files are in the folder now (the winner, until "Use This One Instead"). */
  applied: number | undefined;
  /** The race had a test command; without one the contract check scored it. */
  hadTests: boolean;
  notices: readonly string[];
  candidates: readonly CandidateResult[];
}

/** The comparison view's webview type (package.json activates on it, so a restored view reaches Turbo). */
export const VIEW_TYPE = 'turbo.race';

/** What a button asks of the extension. */
export type PanelAction = 'diffWinner' | 'diffFolder' | 'use' | 'fix';
export const PANEL_ACTIONS: readonly PanelAction[] = ['diffWinner', 'diffFolder', 'use', 'fix'];

const fmt = new Intl.NumberFormat('en-US');

/** Text for HTML content and attribute values; control characters are shown, not passed on. */
export function escapeHtml(text: string): string {
  return safeInline(text).replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

export function comparisonHtml(model: ComparisonModel, page: { nonce: string; cspSource: string }): string {
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${page.nonce}'`,
    `script-src 'nonce-${page.nonce}'`,
    `img-src ${page.cspSource}`,
  ].join('; ');
  const rows = model.candidates.map((c) => row(model, c)).join('\n');
  const notices = model.notices.map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Turbo: Race</title>
<style nonce="${page.nonce}">${STYLE}</style>
</head>
<body>
<h1>Race: ${escapeHtml(model.contract)} into ${escapeHtml(model.folder)}</h1>
<p>${headline(model)}</p>
${notices ? `<ul class="notices">${notices}</ul>` : ''}
<table>
<caption>${model.candidates.length === 1 ? '1 candidate' : `${model.candidates.length} candidates`}, ${model.hadTests ? 'scored by the tests' : 'scored by the contract check (no test command)'}</caption>
<thead><tr><th scope="col">Candidate</th><th scope="col">Actions</th><th scope="col">Verdict</th><th scope="col">${model.hadTests ? 'Tests' : 'Contract'}</th><th scope="col">Lines</th><th scope="col">Tokens</th><th scope="col">Time</th><th scope="col">Cost</th><th scope="col">Refused</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<script nonce="${page.nonce}">${SCRIPT}</script>
</body>
</html>`;
}

function headline(model: ComparisonModel): string {
  const winner = model.candidates.find((c) => c.candidate === model.winner);
  if (!winner) return 'No candidate could be written; nothing in the folder was changed.';
  const n = winner.candidate;
  // The folder is read again after every change, so the page never claims what is not on disk.
  if (model.applied === undefined)
    return winner.green
      ? `Candidate ${n} won: it is green. No candidate is in the folder as it was written (not written, or changed since: an Undo, an edit, unsaved changes); Use This One Instead writes one.`
      : `No candidate is green; the best is candidate ${n}. No candidate is in the folder as it was written (not written, or changed since: an Undo, an edit, unsaved changes).`;
  const applied = model.applied === n ? 'It is applied.' : `Candidate ${model.applied} is applied instead.`;
  if (winner.green) return `Candidate ${n} won: it is green. ${applied}`;
  const next = model.applied !== n ? applied : model.hadTests ? 'Fix Until Green can take it from there.' : '';
  return `No candidate is green; the best, candidate ${n}, was applied. ${next}`.trimEnd();
}

function row(model: ComparisonModel, c: CandidateResult): string {
  const n = c.candidate;
  const status = [
    c.green ? '<span class="green">✓ green</span>' : '<span class="red">✗ not green</span>',
    n === model.winner ? '<span class="badge">winner</span>' : '',
    n === model.applied ? '<span class="badge applied">applied</span>' : '',
  ].join(' ');
  const refused = c.refused.length
    ? `<ul>${c.refused.map((r) => `<li><code>${escapeHtml(r.path)}</code>: ${escapeHtml(r.reason)}</li>`).join('')}</ul>`
    : 'none';
  const tokens = c.usage?.completion_tokens;
  return `<tr data-candidate="${n}"${n === model.applied ? ' class="applied-row"' : ''}>
<th scope="row">#${n}</th>
<td class="actions" data-label="Actions">${buttons(model, c)}</td>
<td data-label="Verdict">${status}</td>
<td data-label="${model.hadTests ? 'Tests' : 'Contract'}">${escapeHtml(verdictText(c, model.hadTests))}${c.error && c.files.length > 0 ? `<div class="error">${escapeHtml(c.error)}</div>` : ''}</td>
<td class="num" data-label="Lines">${fmt.format(c.lines)}</td>
<td class="num" data-label="Tokens">${tokens === undefined ? '—' : fmt.format(tokens)}</td>
<td class="num" data-label="Time">${seconds(c.durationMs)}</td>
<td class="num" data-label="Cost">${escapeHtml(formatCost(c.costUsd))}</td>
<td data-label="Refused">${refused}</td>
</tr>`;
}

function buttons(model: ComparisonModel, c: CandidateResult): string {
  const n = c.candidate;
  const out: string[] = [];
  const button = (action: PanelAction, label: string, aria: string) =>
    out.push(
      `<button type="button" data-action="${action}" data-candidate="${n}" aria-label="${aria}">${label}</button>`,
    );
  if (c.files.length > 0 && model.winner !== undefined && n !== model.winner)
    button(
      'diffWinner',
      'Open Diff vs Winner',
      `Open the diff of candidate ${n} against the winner, candidate ${model.winner}`,
    );
  if (c.files.length > 0)
    button('diffFolder', 'Open Diff vs Folder', `Open the diff of candidate ${n} against the folder's current files`);
  if (c.files.length > 0 && n !== model.applied)
    button('use', 'Use This One Instead', `Use candidate ${n} instead: replace the folder's files with its files`);
  if (n === model.applied && !c.green && model.hadTests)
    button('fix', 'Fix Until Green', `Fix Until Green on candidate ${n}, which is applied`);
  return out.join(' ');
}

const STYLE = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px 16px; }
h1 { font-size: 1.3em; font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; padding: 4px 0; color: var(--vscode-descriptionForeground); }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); }
thead th { color: var(--vscode-descriptionForeground); font-weight: 600; }
tr.applied-row { background: var(--vscode-list-inactiveSelectionBackground); }
.green { color: var(--vscode-charts-green, var(--vscode-testing-iconPassed)); font-weight: 600; }
.red { color: var(--vscode-errorForeground, var(--vscode-testing-iconFailed)); font-weight: 600; }
.badge { border: 1px solid var(--vscode-badge-background); border-radius: 3px; padding: 0 4px; }
.badge.applied { background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.error { color: var(--vscode-errorForeground); }
ul { margin: 0; padding-left: 16px; }
.notices { margin-bottom: 8px; color: var(--vscode-descriptionForeground); }
td.num { white-space: nowrap; }
.actions button { display: block; width: 100%; text-align: left; }
button { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: 1px solid var(--vscode-button-border, transparent); padding: 3px 8px; margin: 2px 0; cursor: pointer; font: inherit; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button[data-action="use"], button[data-action="fix"] { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
button[data-action="use"]:hover, button[data-action="fix"]:hover { background: var(--vscode-button-hoverBackground); }
button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
button:disabled { opacity: 0.5; cursor: default; }
@media (max-width: 760px) {
  thead { display: none; }
  tr { display: block; padding: 6px 0; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); }
  th[scope="row"], td { display: block; border: none; padding: 2px 8px; }
  td::before { content: attr(data-label) ": "; color: var(--vscode-descriptionForeground); }
  td.actions::before { content: none; }
  .actions button { display: inline-block; width: auto; margin-right: 4px; }
}
`;

// Buttons are disabled while the extension works on a request, so a double click does not swap twice.
const SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
  if (!button || button.disabled) return;
  for (const b of document.querySelectorAll('button')) b.disabled = true;
  vscode.postMessage({ action: button.dataset.action, candidate: Number(button.dataset.candidate) });
});
window.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'done') for (const b of document.querySelectorAll('button')) b.disabled = false;
});
`;
