/**
 * report.html: one self-contained page (no script, no external file) with the summary and each case's
 * purpose, steps, expectations, checks and frames; failing cases come open.
 */
import { type CaseResult, type RunReport, tally, type Verdict } from "./case.ts";

export function htmlEscape(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const LABEL: Record<Verdict, string> = {
  pass: "pass",
  fail: "fail",
  "not-applicable": "not applicable",
  inconclusive: "inconclusive",
};

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem}table.sum td{padding:.2rem .8rem}
.v{display:inline-block;min-width:7.5rem;padding:.05rem .4rem;border-radius:.3rem;font-weight:600;text-align:center}
.pass{background:#d8f3dc;color:#14532d}.fail{background:#fde2e1;color:#7f1d1d}
.not-applicable{background:#e5e7eb;color:#374151}.inconclusive{background:#fef3c7;color:#78350f}
details{border:1px solid #d0d7de;border-radius:.4rem;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}pre{white-space:pre-wrap;word-break:break-all;margin:.1rem 0;font-size:12px}
.in{color:#0b4f8a}.out{color:#5b2a86}.problem{color:#b91c1c;font-weight:600}
ol,ul{margin:.2rem 0 .4rem 1.2rem;padding:0}`;

function caseSection(r: CaseResult, t0: number): string {
  const frames = r.frames.map((f) =>
    `<pre class="${f.direction}">${(f.at - t0).toFixed(0).padStart(6)} ms ${
      f.direction === "in" ? "&larr;" : "&rarr;"
    } ${htmlEscape(f.text)}${f.problem ? ` <span class="problem">${htmlEscape(f.problem)}</span>` : ""}</pre>`
  ).join("");
  const list = (items: string[]) => items.map((s) => `<li>${htmlEscape(s)}</li>`).join("");
  return `<details id="${htmlEscape(r.id)}"${r.verdict === "fail" ? " open" : ""}>
<summary><span class="v ${r.verdict}">${LABEL[r.verdict]}</span> <strong>${htmlEscape(r.id)}</strong> — ${
    htmlEscape(r.purpose)
  }${r.reason ? `<br><em>${htmlEscape(r.reason)}</em>` : ""}</summary>
<p>Steps</p><ol>${list(r.steps)}</ol><p>Expects</p><ul>${list(r.expects)}</ul>
${
    r.checks.length
      ? `<p>Checks</p><ul>${
        r.checks.map((c) => `<li>${c.ok ? "✔" : "✘"} ${htmlEscape(c.text)}</li>`).join("")
      }</ul>`
      : ""
  }
${r.notes.length ? `<p>Notes</p><ul>${list(r.notes)}</ul>` : ""}
<p>Frames (${r.frames.length})</p>${frames || "<p>none</p>"}
</details>`;
}

export function reportHtml(report: RunReport): string {
  const t = tally(report.results);
  const title = `Conformance: ${report.mode} mode, OCPP ${report.ocpp}`;
  const rows = (Object.keys(LABEL) as Verdict[]).map((v) =>
    `<tr><td><span class="v ${v}">${LABEL[v]}</span></td><td>${t[v]}</td></tr>`
  ).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>${htmlEscape(title)}</h1>
<p>Against <code>${htmlEscape(report.target)}</code>, started ${htmlEscape(report.startedAt)}, ${
    (report.durationMs / 1000).toFixed(1)
  } s, ${report.results.length} cases (${htmlEscape(report.tool)}).</p>
<table class="sum">${rows}</table>
${report.results.map((r) => caseSection(r, r.frames[0]?.at ?? 0)).join("\n")}
</body></html>
`;
}
