"""What ``exgen preview`` adds to the pages it serves: the live-reload script and its error panel.

Every HTML page gets :func:`inject` 's script. It listens to the server-sent events at
:data:`EVENTS` and reloads the page when a newer build is in place; while the last save does
not build, it shows the diagnostics in a panel over the last good package (which stays
browsable: the panel can be hidden). Diagnostics are drawn with ``textContent``, never parsed
as HTML, so a message quoting the user's text cannot inject markup.
"""

from __future__ import annotations

import json
import os
import re
import typing as t

if t.TYPE_CHECKING:
    from exgen.core.diagnostics import Diagnostic

#: The server-sent-events endpoint; everything under ``/__exgen/`` belongs to the preview.
EVENTS = "/__exgen/events"

_SCRIPT = """<script id="exgen-preview">(function () {
  var generation = %(generation)d, panel = null;
  function button(label, action) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = label; b.onclick = action;
    b.style.cssText = "margin-left:.6em;font:inherit;font-size:85%%;cursor:pointer";
    return b;
  }
  function show(errors) {
    if (panel) { panel.remove(); panel = null; }
    if (!errors.length) return;
    panel = document.createElement("div");
    panel.id = "exgen-preview-errors";
    panel.setAttribute("role", "alert");
    panel.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:60vh;" +
      "overflow:auto;background:#fff4f4;color:#111;border-bottom:3px solid #b00020;padding:.8em 1.2em;" +
      "font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;box-shadow:0 2px 8px rgba(0,0,0,.3)";
    var head = document.createElement("div");
    head.style.cssText = "font-weight:bold;margin-bottom:.4em;font-family:system-ui,sans-serif";
    head.textContent = "exgen preview: the last save does not build (" + errors.length + " error" +
      (errors.length === 1 ? "" : "s") + "). Below is the last good package; fix and save to rebuild.";
    head.appendChild(button("Hide", function () { panel.style.display = "none"; }));
    panel.appendChild(head);
    errors.forEach(function (e) {
      var row = document.createElement("div");
      row.className = "exgen-preview-error";
      if (e.link) {
        var a = document.createElement("a");
        a.href = e.link; a.textContent = e.where; a.title = "Open in VS Code";
        row.appendChild(a);
      } else {
        row.appendChild(document.createTextNode(e.where));
      }
      row.appendChild(document.createTextNode(": " + e.text));
      if (e.copy) row.appendChild(button("copy", function () {
        if (navigator.clipboard) navigator.clipboard.writeText(e.copy);
      }));
      panel.appendChild(row);
    });
    (document.body || document.documentElement).appendChild(panel);
  }
  function connect() {
    var source = new EventSource("%(events)s");
    source.onmessage = function (event) {
      var state = JSON.parse(event.data);
      if (state.generation > generation) { source.close(); location.reload(); return; }
      show(state.errors);
    };
  }
  connect();
})();</script>
"""

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def script(generation: int) -> bytes:
    """The live-reload script for a page served while build ``generation`` is in place."""
    return (_SCRIPT % {"generation": generation, "events": EVENTS}).encode("utf-8")


def inject(html: bytes, generation: int) -> bytes:
    """``html`` with the live-reload script before its last ``</body>`` (at the end when it has none)."""
    ends = list(_BODY_END.finditer(html))
    at = ends[-1].start() if ends else len(html)
    return html[:at] + script(generation) + html[at:]


def missing_page(path: str, generation: int) -> bytes:
    """The page for a file the scratch package does not hold (yet: the PDF follows the HTML)."""
    import html

    return inject(
        b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>"
        b"<body style=\"font-family:system-ui,sans-serif;margin:3em\"><h1>Not in the preview package</h1><p>"
        + html.escape(path).encode("utf-8")
        + b" is not in the package being previewed. The PDF and the workbook are written a few seconds"
        b" after the HTML; this page reloads when a new build is in place.</p><p><a href=\"/\">Package index</a>"
        b"</p></body></html>", generation)


def state_event(generation: int, errors: t.Sequence[Diagnostic]) -> str:
    """One server-sent event: the build in place and the errors of the last save (none when it built)."""
    return "data: " + json.dumps({"generation": generation, "errors": [_error(d) for d in errors]},
                                 ensure_ascii=True) + "\n\n"


def _error(d: Diagnostic) -> dict[str, str]:
    """A diagnostic for the panel: its place (a ``vscode://file`` link and the text to copy when it
    has a line) and ``severity[code]: message``."""
    from exgen.core.text import printable

    loc = d.location
    row = {"where": printable(str(loc)), "text": printable(f"{d.severity}[{d.code}]: {d.message}"),
           "link": "", "copy": ""}
    if loc.file and loc.line:
        place = f"{os.path.abspath(loc.file)}:{loc.line}:{loc.col or 1}"
        row["copy"] = printable(place)
        row["link"] = "vscode://file" + _url_path(place)
    return row


def _url_path(place: str) -> str:
    """An absolute file path (with ``:line:col``) as the path of a URL, percent-encoded."""
    from urllib.parse import quote

    posix = place.replace(os.sep, "/")
    return quote(posix if posix.startswith("/") else "/" + posix, safe="/:")
