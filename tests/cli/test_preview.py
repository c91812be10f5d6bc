"""``exgen preview``: a real subprocess on a free loopback port, driven over HTTP and, for live
reload and the error panel, by Debian's chromium through Playwright (skipped without chromium).

Timeouts are generous (the machine is shared); the save-to-visible latency is printed, never
asserted (benchmarks measure speed, tests behaviour).
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import typing as t
from pathlib import Path

import pytest

from exgen.cli import preview_server
from tests.conftest import ROOT, plant

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and os.path.exists(p)), None)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
BUILD_WAIT = 180.0  # seconds: a cold flagship build on a loaded two-core machine
TITLE = "MND FRAGO 03: MNB assumes responsibility for the Dalvora corridor"


class Preview:
    """A running ``exgen preview``: its URL, scratch folder and the lines it prints."""

    def __init__(self, root: Path, *options: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "exgen", "preview", str(root), "--port", "0", *options], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        first = self.process.stdout.readline() if self.process.stdout else ""
        match = re.search(r"at http://127\.0\.0\.1:(\d+)/ \(scratch package in (.+)\); Ctrl-C to stop", first)
        assert match, first + (self.process.stderr.read() if self.process.stderr else "")
        self.port, self.scratch = int(match.group(1)), Path(match.group(2))
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_line(self, pattern: str, timeout: float = BUILD_WAIT) -> str:
        """The next printed line matching ``pattern`` (others are skipped)."""
        end = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.1, end - time.monotonic()))
            if re.search(pattern, line):
                return line

    def get(self, path: str, host: str | None = None) -> tuple[int, str, bytes]:
        """``GET path`` sent as is (no client-side normalisation): status, content type, body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest("GET", path, skip_host=host is not None)
            if host is not None:
                conn.putheader("Host", host)
            conn.endheaders()
            response = conn.getresponse()
            return response.status, response.getheader("Content-Type") or "", response.read()
        finally:
            conn.close()

    def stop(self) -> tuple[int, str]:
        """Ctrl-C: the exit code and what it printed on standard error."""
        self.process.send_signal(signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        return self.process.returncode, err


@pytest.fixture
def running(flagship_copy: Path) -> t.Iterator[Preview]:
    """``exgen preview`` on a copy of the flagship, its first build in place."""
    preview = Preview(flagship_copy)
    try:
        preview.wait_line(r"^rebuilt in [\d.]+ s: \d+ files")
        yield preview
    finally:
        if preview.process.poll() is None:
            preview.stop()


def test_serves_only_files_inside_the_scratch_package(running: Preview, flagship_copy: Path) -> None:
    status, kind, body = running.get("/")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert b'<script id="exgen-preview">' in body and b"/__exgen/events" in body
    status, kind, body = running.get("/charts/timeline.svg")
    assert (status, kind) == (200, "image/svg+xml") and b"exgen-preview" not in body
    assert running.get("/injects/INJ-001.html")[0] == 200
    (running.scratch / "package" / "leak.yaml").symlink_to(flagship_copy)  # a link leading out of the package
    secret = flagship_copy.read_bytes()[:40]
    for path in ("/../exercise.yaml", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/", "/injects/..%2f..%2fexercise.yaml",
                 "/injects/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/a%5c..%5cexercise.yaml", "/index.html%00.svg",
                 "/%ff", "//etc/passwd", f"/{flagship_copy}", "/leak.yaml", "/__exgen/status",
                 "http://example.org/../../etc/passwd"):
        status, _, body = running.get(path)
        assert status in (400, 403, 404), path
        assert secret not in body and b"root:" not in body, path
    assert running.get("/", host="attacker.example")[0] == 403  # DNS rebinding
    assert running.get("/injects/")[0] == 404  # no folder listings


def test_listens_on_loopback_only(running: Preview) -> None:
    table = Path("/proc/net/tcp")
    if not table.exists():
        pytest.skip("no /proc/net/tcp to read the listening sockets from")
    listening = [row.split()[1] for row in table.read_text().splitlines()[1:]
                 if row.split()[3] == "0A" and int(row.split()[1].split(":")[1], 16) == running.port]
    assert listening == [f"0100007F:{running.port:04X}"]  # 127.0.0.1, little-endian hex
    v6 = Path("/proc/net/tcp6")
    if v6.exists():
        assert not [row for row in v6.read_text().splitlines()[1:]
                    if row.split()[3] == "0A" and int(row.split()[1].split(":")[1], 16) == running.port]


def test_event_stream_announces_each_new_build_and_each_broken_save(running: Preview, flagship_copy: Path) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=BUILD_WAIT)
    conn.request("GET", "/__exgen/events")
    response = conn.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"

    def event() -> dict[str, t.Any]:
        while True:
            line = response.fp.readline().decode("utf-8")
            if line.startswith("data: "):
                return t.cast(dict[str, t.Any], json.loads(line[6:]))

    first = event()
    assert first["errors"] == []
    day1 = flagship_copy.parent / "injects" / "day1.yaml"
    plant(day1, TITLE, "Edited: " + TITLE)
    assert event() == {"generation": first["generation"] + 1, "errors": []}
    line, col = plant(day1, "to: [ME-1BN]", "to: [ME-1BX]")
    broken = event()
    assert broken["generation"] == first["generation"] + 1  # the last good package stays
    assert [e["where"] for e in broken["errors"]] == [f"{day1}:{line}:{col + 5}"]
    assert broken["errors"][0]["text"].startswith("error[unknown-reference]: inject INJ-004 is sent to 'ME-1BX'")
    assert broken["errors"][0]["link"] == f"vscode://file{day1}:{line}:{col + 5}"
    running.wait_line(r"^1 error: see the browser$", 60)
    conn.close()


def test_ctrl_c_stops_with_one_line_and_removes_the_scratch_package(running: Preview) -> None:
    assert (running.scratch / "package" / "index.html").is_file()
    code, err = running.stop()
    assert (code, err) == (0, "exgen: preview stopped; scratch package removed\n")
    assert not running.scratch.exists()


def test_an_unusable_port_is_one_line(running: Preview, flagship_copy: Path) -> None:
    before = set(running.scratch.parent.glob("exgen-preview-*"))
    taken = subprocess.run([sys.executable, "-m", "exgen", "preview", str(flagship_copy), "--port", str(running.port)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert taken.returncode == 1
    assert re.fullmatch(rf"exgen: cannot serve on 127\.0\.0\.1:{running.port}: .+ \(choose another --port\)\n",
                        taken.stderr)
    assert set(running.scratch.parent.glob("exgen-preview-*")) <= before  # its scratch folder is gone again


def test_locate_refuses_links_and_non_files(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "index.html").write_text("x")
    (tmp_path / "f.txt").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "d")
    assert preview_server.locate(tmp_path, ["f.txt"]) == tmp_path / "f.txt"
    assert preview_server.locate(tmp_path, ["d"], slash=True) == tmp_path / "d" / "index.html"
    assert preview_server.locate(tmp_path, ["d"], slash=False) == tmp_path / "d"
    assert preview_server.locate(tmp_path, ["link", "index.html"]) is None
    assert preview_server.locate(tmp_path, ["f.txt", "x"]) is None
    for raw in ("/../x", "/%2e%2E/x", "/a/./b", "/a%5cb", "/a%00", "/%c3"):
        with pytest.raises(preview_server.Refused):
            preview_server.request_parts(raw)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary found: install Debian's chromium")
def test_browser_reloads_on_save_and_shows_a_broken_save_located(running: Preview, flagship_copy: Path) -> None:
    from playwright.sync_api import sync_playwright

    day1 = flagship_copy.parent / "injects" / "day1.yaml"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"http://127.0.0.1:{running.port}/injects/INJ-001.html")
            assert TITLE in page.inner_text("body")
            page.evaluate("window.__notReloaded = true")
            page.wait_for_timeout(500)  # the event stream is connected

            saved = time.monotonic()
            plant(day1, TITLE, "Amended " + TITLE)
            page.wait_for_function("t => document.body && document.body.innerText.includes(t)",
                                   arg="Amended " + TITLE, timeout=BUILD_WAIT * 1000, polling=20)
            print(f"\nexgen preview: save to new title visible in {time.monotonic() - saved:.2f} s")
            assert page.evaluate("window.__notReloaded") is None  # the page reloaded itself

            line, col = plant(day1, "to: [ME-1BN]", "to: [ME-1BX]")
            panel = page.wait_for_selector("#exgen-preview-errors", timeout=BUILD_WAIT * 1000)
            assert panel is not None
            text = panel.inner_text()
            assert f"{day1}:{line}:{col + 5}: error[unknown-reference]: inject INJ-004 is sent to 'ME-1BX'" in text
            link = page.get_attribute("#exgen-preview-errors a", "href")
            assert link == f"vscode://file{day1}:{line}:{col + 5}"
            assert "Amended " + TITLE in page.inner_text("body")  # the last good card, underneath

            plant(day1, "to: [ME-1BX]", "to: [ME-1BN]")
            page.wait_for_selector("#exgen-preview-errors", state="detached", timeout=BUILD_WAIT * 1000)
            page.wait_for_function("t => document.body && document.body.innerText.includes(t)",
                                   arg="Amended " + TITLE, timeout=BUILD_WAIT * 1000)
            assert problems == []
        finally:
            browser.close()


def test_the_first_step_leaves_out_only_the_slow_conversions(tmp_path: Path) -> None:
    from exgen.cli import preview
    from exgen.core.text import json_text

    loop = preview.Preview("exercise.yaml", tmp_path, (), 0, preview_server.State(tmp_path / "package"))
    slow = loop._slow_outputs()
    assert {s.output for s in slow} == {"book/exercise-book.pdf", "msel/msel.xlsx",
                                        "evaluation/evaluation-workbook.xlsx"}
    assert (tmp_path / "fast-outputs" / "outputs.yaml").read_text("utf-8") == json_text({"outputs": [
        {"output": s.output, "template": s.template, "enabled": False} for s in slow]})


def test_a_template_override_is_watched_and_re_read(flagship_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my-templates"
    folder.mkdir()
    card = folder / "inject_card.html.j2"
    card.write_text('{% extends "builtin/inject_card.html.j2" %}{% block controller_box %}FIRST{% endblock %}')
    preview = Preview(flagship_copy, "--templates", str(folder))
    try:
        preview.wait_line(r"^rebuilt in")
        assert b"FIRST" in preview.get("/injects/INJ-001.html")[2]
        card.write_text(card.read_text().replace("FIRST", "SECOND"))
        preview.wait_line(r"^rebuilt in", 60)
        assert b"SECOND" in preview.get("/injects/INJ-001.html")[2]
        card.write_text("{{ oops( }}")
        preview.wait_line(r"^1 error: see the browser$", 60)
        assert b"SECOND" in preview.get("/injects/INJ-001.html")[2]  # the last good package stays
    finally:
        preview.stop()


def test_a_save_is_waited_for_until_the_file_stops_changing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from exgen.cli import preview

    path = tmp_path / "injects.yaml"
    path.write_text("injects: []\n")
    watcher = preview.Watcher([str(path)], [])
    # An editor's save as the watcher sees it: emptied, then written, then still.
    emptied, written = {str(path): (1, 0, 7)}, {str(path): (2, 25, 7)}
    looks = iter([emptied, written, written, written])
    monkeypatch.setattr(watcher, "_files", lambda: next(looks))
    monkeypatch.setattr(preview, "SETTLE", 0.0)
    watcher.settle()
    assert watcher.last_files == written  # the finished file, not the empty one
