"""The API docs page: one self-contained HTML file that renders ``openapi.json`` in the browser.

No CDN and no third-party script: the page is small enough to read, and works offline.
"""

from __future__ import annotations

from typing import Final

DOCS_PAGE: Final = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>trace_verify API</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } .muted { color: #666; }
section { border: 1px solid #ddd; border-radius: 6px; margin: .8rem 0; padding: .6rem .9rem; }
.method { display: inline-block; min-width: 4.2rem; font-weight: 600; font-family: monospace; }
.GET { color: #1a6; } .POST { color: #15c; } .PUT { color: #a60; } .PATCH { color: #a60; }
code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
pre { background: #f6f6f6; padding: .5rem; overflow: auto; max-height: 22rem; }
details summary { cursor: pointer; }
table { border-collapse: collapse; } td { padding: .1rem .6rem .1rem 0; vertical-align: top; }
</style>
</head>
<body>
<h1>trace_verify API</h1>
<p class="muted">Rendered from <a href="openapi.json">openapi.json</a>.
Authenticate with <code>Authorization: Bearer &lt;key&gt;</code> (README: Roles and keys).</p>
<div id="ops">Loading…</div>
<script>
"use strict";
function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children || []) node.append(child);
  return node;
}
function schemaText(doc, schema) {
  if (schema && schema.$ref) {
    const name = schema.$ref.split("/").pop();
    return name + "\\n" + JSON.stringify(doc.components.schemas[name], null, 2);
  }
  return JSON.stringify(schema, null, 2);
}
function render(doc) {
  const root = document.getElementById("ops");
  root.textContent = "";
  root.append(el("p", {}, [doc.info.title + " " + doc.info.version + " — " + (doc.info.description || "")]));
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const m = method.toUpperCase();
      const rows = (op.parameters || []).map(p =>
        el("tr", {}, [el("td", {}, [el("code", {}, [p.name])]), el("td", {}, [p.in]),
                      el("td", {}, [p.description || ""])]));
      const responses = Object.entries(op.responses).map(([status, r]) =>
        el("tr", {}, [el("td", {}, [el("code", {}, [status])]), el("td", {}, [r.description])]));
      const parts = [
        el("div", {}, [el("span", {class: "method " + m}, [m]), el("code", {}, [path])]),
        el("p", {}, [op.summary + (op.security && op.security.length ? "" : " (no key needed)")]),
      ];
      if (rows.length) parts.push(el("table", {}, rows));
      if (op.requestBody) {
        const [media, body] = Object.entries(op.requestBody.content)[0];
        parts.push(el("details", {}, [el("summary", {}, ["Request body (" + media + ")"]),
                                       el("pre", {}, [schemaText(doc, body.schema)])]));
      }
      parts.push(el("table", {}, responses));
      root.append(el("section", {}, parts));
    }
  }
}
fetch("openapi.json").then(r => r.json()).then(render)
  .catch(e => { document.getElementById("ops").textContent = "Could not load openapi.json: " + e; });
</script>
</body>
</html>
"""
