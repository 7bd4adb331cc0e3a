// The console's only stylesheet and script, served by the Worker itself (no CDN, no
// inline code, so the CSP can forbid everything else). The script only adds copy buttons.
import { PROVIDER_TYPES } from "./provider-fields.ts";

// The Chat-to-call form shows the chosen provider's settings only, in CSS (:has); a
// browser without :has shows every provider's, and the form still works.
const PROVIDER_CSS = `@supports selector(:has(*)) {
.provider-form fieldset[data-provider] { display:none; }
${PROVIDER_TYPES.map((type) => `.provider-form:has(option[value="${type}"]:checked) fieldset[data-provider="${type}"] { display:block; }`).join("\n")}
}`;

export const CONSOLE_CSS = `
:root { --fg:#1d2430; --muted:#5b6472; --line:#d8dde4; --bg:#f6f7f9; --card:#fff; --accent:#1f5fbf; --ok:#1d7a3a; --warn:#9a6200; --bad:#b3261e; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
header { background:#1d2430; color:#fff; padding:.75rem 1.5rem; display:flex; gap:1rem; align-items:center; flex-wrap:wrap; }
header a, header button { color:#fff; }
header .brand { font-weight:600; margin-right:auto; }
nav ul { list-style:none; display:flex; gap:.25rem; margin:0; padding:0 1.5rem; background:#e9ecf1; flex-wrap:wrap; }
nav a { display:block; padding:.6rem .8rem; color:var(--fg); text-decoration:none; border-bottom:3px solid transparent; }
nav a[aria-current="page"] { border-bottom-color:var(--accent); font-weight:600; }
main { max-width:62rem; margin:1.5rem auto; padding:0 1.5rem; }
section, .card { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:1rem 1.25rem; margin-bottom:1.25rem; }
h1 { font-size:1.4rem; margin:.2rem 0 1rem; } h2 { font-size:1.1rem; margin:.2rem 0 .75rem; }
label { display:block; font-weight:600; margin:.6rem 0 .2rem; }
input[type=text], input[type=email], input[type=password], input[type=number], input[type=tel], select, textarea { width:100%; max-width:32rem; padding:.45rem .5rem; border:1px solid #aeb6c2; border-radius:4px; font:inherit; background:#fff; }
textarea { max-width:100%; min-height:9rem; font-family: ui-monospace, monospace; font-size:13px; }
button, .button { display:inline-block; margin-top:.8rem; padding:.5rem 1rem; border:1px solid var(--accent); background:var(--accent); color:#fff; border-radius:4px; font:inherit; cursor:pointer; text-decoration:none; }
button.secondary { background:#fff; color:var(--accent); }
header button { margin:0; background:transparent; border-color:#8a94a3; padding:.25rem .6rem; }
:focus-visible { outline:3px solid #f0b400; outline-offset:2px; }
table { border-collapse:collapse; width:100%; } th, td { text-align:left; padding:.4rem .5rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.85rem; color:var(--muted); font-weight:600; }
.notice { padding:.6rem .8rem; border-radius:4px; margin-bottom:1rem; border:1px solid; }
.notice.ok { color:var(--ok); border-color:var(--ok); background:#eef8f0; }
.notice.error { color:var(--bad); border-color:var(--bad); background:#fdf0ef; }
.notice.warning { color:var(--warn); border-color:var(--warn); background:#fdf6e8; }
.notice ul { margin:.3rem 0; padding-left:1.2rem; }
.status { font-weight:600; } .status-ok { color:var(--ok); } .status-warning { color:var(--warn); } .status-failed { color:var(--bad); } .status-skipped { color:var(--muted); }
.hint, .muted { color:var(--muted); font-size:.9rem; }
code, pre { font-family: ui-monospace, monospace; font-size:13px; background:#f0f2f5; padding:.1rem .3rem; border-radius:3px; }
pre { padding:.6rem; overflow:auto; white-space:pre-wrap; }
.counts { display:flex; gap:1rem; flex-wrap:wrap; } .counts div { border:1px solid var(--line); border-radius:4px; padding:.4rem .8rem; min-width:7rem; }
.counts strong { display:block; font-size:1.3rem; }
details summary { cursor:pointer; font-weight:600; }
.checks li { margin:.3rem 0; } .checks { list-style:none; padding:0; }
.pager { display:flex; gap:1rem; margin-top:.8rem; }
.lang a { margin-left:.4rem; }
fieldset { border:1px solid var(--line); border-radius:4px; margin:.8rem 0; padding:.2rem 1rem .8rem; }
legend { font-weight:600; padding:0 .3rem; }
small.muted { display:block; margin-top:.2rem; }
${PROVIDER_CSS}
`;

export const CONSOLE_JS = `
document.querySelectorAll("[data-copy]").forEach(function (el) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.textContent = el.getAttribute("data-copy-label") || "Copy";
  button.addEventListener("click", function () { navigator.clipboard.writeText(el.textContent || ""); });
  el.insertAdjacentElement("afterend", button);
});
`;
