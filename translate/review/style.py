"""The inline stylesheet of review pages (no network: the page carries its own CSS).

Two columns side by side on wide screens, stacked under 700 px; long words and URLs wrap
instead of widening the page; print gets plain black on white without the controls.
"""

from __future__ import annotations

CSS = r"""
:root { --fg: #1d1d1f; --bg: #fff; --muted: #5f6368; --line: #dcdfe3; --flag: #b3261e;
  --flag-bg: #fdecea; --note-bg: #fff4ce; --head-bg: #f5f6f7; --link: #0b57d0; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8eaed; --bg: #17181a; --muted: #a0a4a8; --line: #3a3d41; --flag: #f2b8b5;
    --flag-bg: #3b1f1d; --note-bg: #3a3320; --head-bg: #202124; --link: #a8c7fa; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: var(--bg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main, .summary, .edited, .controls { max-width: 1400px; margin: 0 auto;
  padding: 0 16px; }
header { padding-top: 16px; }
h1 { font-size: 1.35rem; margin: 0 0 8px; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 16px 0 8px; }
dl.meta { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px;
  margin: 0; font-size: .9rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code { font: .85rem/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; padding: 0;
  list-style: none; }
.counts li { background: var(--head-bg); border: 1px solid var(--line); border-radius: 6px;
  padding: 2px 10px; font-size: .9rem; }
.counts li.bad { color: var(--flag); border-color: var(--flag); }
.edited p.notice, .summary { background: var(--note-bg); border-radius: 8px; }
.edited p.notice { padding: 8px 12px; }
.edited .file { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid var(--line);
  border-radius: 8px; padding: 8px 12px; }
.summary { padding: 4px 16px 12px; max-width: 1368px;
  margin: 12px max(16px, calc((100% - 1368px) / 2)) 0; }
.summary ol { margin: 0; padding-left: 1.4em; }
.summary a { color: var(--link); font-size: .85rem; margin-left: 4px; }
.controls { margin: 12px auto; font-size: .95rem; }
.para { border-top: 2px solid var(--line); padding: 4px 0; }
.seg, .colhead { display: grid; grid-template-columns: 3.2em minmax(0, 1fr) minmax(0, 1fr);
  gap: 4px 16px; padding: 6px 0; }
.seg { border-left: 4px solid transparent; }
.seg + .seg { border-top: 1px dashed var(--line); }
.colhead { font-weight: 600; color: var(--muted); position: sticky; top: 0;
  background: var(--bg); border-bottom: 1px solid var(--line); z-index: 1; }
.num { color: var(--muted); font-size: .8rem; text-align: right; padding-top: 3px; }
.num a { color: inherit; text-decoration: none; }
.src, .tgt { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 0; }
.seg.flagged { background: var(--flag-bg); border-left: 4px solid var(--flag);
  border-radius: 4px; }
.seg:target { outline: 3px solid var(--link); }
.reasons { grid-column: 2 / -1; margin: 0; padding: 0; list-style: none;
  color: var(--flag); font-size: .85rem; }
.reasons code { font-weight: 600; }
.origin { font-size: .8em; color: #1a5e20; }
.suggestions { font-size: .85em; color: #555; margin: .3em 0 0; padding-left: 1.2em; }
.score { color: var(--muted); font-size: .8rem; }
#only-flagged { position: absolute; opacity: 0; }
label.controls { display: block; cursor: pointer; }
label.controls::before { content: "\2610  "; }
#only-flagged:checked + label.controls::before { content: "\2611  "; }
#only-flagged:focus-visible + label.controls { outline: 2px solid var(--link); }
#only-flagged:checked ~ main .seg:not(.flagged) { display: none; }
@media (max-width: 700px) {
  .seg, .colhead { grid-template-columns: minmax(0, 1fr); gap: 2px; }
  .colhead { display: none; }
  .num { text-align: left; padding: 0; display: flex; gap: 12px; }
  .src::before, .tgt::before { content: attr(data-label); display: block;
    font-size: .75rem; color: var(--muted); }
  .reasons { grid-column: 1; }
  dl.meta { grid-template-columns: minmax(0, 1fr); }
  dl.meta dd { margin-bottom: 4px; }
}
@media print {
  :root { --fg: #000; --bg: #fff; --flag-bg: #fff; --note-bg: #fff; --head-bg: #fff; }
  body { font-size: 10pt; }
  label.controls, #only-flagged { display: none; }
  .colhead { position: static; }
  .seg { break-inside: avoid; }
  .seg.flagged { border-left-width: 3pt; }
  a { color: inherit; text-decoration: none; }
}
"""
