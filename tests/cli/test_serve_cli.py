"""`exgen serve`: its refusals, issuing accounts, and serving (through CliRunner and as real processes)."""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import socket
import sqlite3
import ssl
import stat
import subprocess
import sys
import typing as t
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from exgen import pipeline
from exgen.cli import cli
from exgen.conduct import accounts, server, store
from tests.conduct.served import CHEAP, issue, sign_in
from tests.conftest import FLAGSHIP, ROOT


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagship's data output, built once: what `exgen serve` reads."""
    out = tmp_path_factory.mktemp("serve-cli") / "built"
    assert pipeline.build(str(FLAGSHIP), str(out), only=["data"]).written is not None
    return out


@pytest.fixture
def package(built: Path, tmp_path: Path) -> Path:
    """A private copy of the package, so its default record and sheet land in this test's folder."""
    return Path(shutil.copytree(built, tmp_path / "adriatic"))


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> list[tuple[t.Any, ...]]:
    """server.run replaced by a stand-in that records its arguments instead of serving."""
    calls: list[tuple[t.Any, ...]] = []

    def run(*args: t.Any, ready: t.Callable[[str], None] | None = None) -> None:
        calls.append(args)
        if ready is not None:
            ready("http://127.0.0.1:8080/")

    monkeypatch.setattr(server, "run", run)
    return calls


def serve(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["serve", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_network_without_tls_is_a_usage_error(package: Path, no_serving: list[tuple[t.Any, ...]]) -> None:
    code, out, err = serve(str(package), "--host", "0.0.0.0")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "--cert and --key" in err and "--insecure-http" in err
    code, _, err = serve(str(package), "--cert", str(package / "x.pem"))
    assert code == 2 and "go together" in err
    assert no_serving == []


def test_issue_accounts_writes_the_sheet_and_the_accounts_and_does_not_serve(
        package: Path, no_serving: list[tuple[t.Any, ...]], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = serve(str(package), "--issue-accounts", "--observers", "3")
    assert code == 0, err
    db, sheet = package.parent / "adriatic.conduct.sqlite", package.parent / "adriatic-credentials.html"
    assert str(db) in out and str(sheet) in out and no_serving == []
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    conn = sqlite3.connect(db)
    users = [r[0] for r in conn.execute("SELECT username FROM accounts ORDER BY username")]
    hashes = [r[0] for r in conn.execute("SELECT pw_hash FROM accounts")]
    conn.close()
    assert {"exdir", "chief", "ctrl-hicon", "ev-c2", "rp-journalist", "observer3"} <= set(users)
    assert "observer4" not in users and all(h.startswith("$argon2id$") for h in hashes)
    text = sheet.read_text("utf-8")
    assert all(u in text for u in users) and "destroy after use" in text
    custom = package.parent / "cards.html"
    monkeypatch.setattr(accounts, "_default_hasher", lambda: CHEAP)  # the real hasher was shown above; spare seconds
    code, _, _ = serve(str(package), "--issue-accounts", "--db", str(package.parent / "other.sqlite"),
                       "--credentials", str(custom))
    assert code == 0 and custom.is_file()


def test_a_package_that_cannot_be_served_is_one_line_and_exit_1(
        package: Path, tmp_path: Path, no_serving: list[tuple[t.Any, ...]]) -> None:
    (package / "data" / "exercise.json").unlink()
    code, _, err = serve(str(package))
    assert code == 1 and len(err.splitlines()) == 1
    assert "built by an older exgen or with --only: rebuild it" in err
    code, _, err = serve(str(tmp_path / "nowhere"))
    assert code == 1 and "not a package directory" in err
    assert no_serving == []


def test_a_record_of_another_exercise_or_without_accounts_is_refused(
        package: Path, tmp_path: Path, no_serving: list[tuple[t.Any, ...]]) -> None:
    other = tmp_path / "other.sqlite"
    store.open_db(other, "ANOTHER-EXERCISE").close()
    code, _, err = serve(str(package), "--db", str(other))
    assert code == 1 and "ANOTHER-EXERCISE" in err and len(err.splitlines()) == 1
    code, _, err = serve(str(package), "--db", str(tmp_path / "fresh.sqlite"))
    assert code == 1 and "--issue-accounts" in err
    assert no_serving == []


def test_insecure_http_warns_and_serves_and_ctrl_c_is_a_clean_stop(
        package: Path, tmp_path: Path, no_serving: list[tuple[t.Any, ...]], monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "record.sqlite"
    issue(package, db)
    code, out, err = serve(str(package), "--db", str(db), "--host", "0.0.0.0", "--insecure-http", "--port", "9000")
    assert code == 0 and err.startswith("WARNING: ") and len(err.splitlines()) == 1
    assert "Serving Adriatic Shield 2027 at http://127.0.0.1:8080/" in out
    assert no_serving == [(package, db, "0.0.0.0", 9000, None, None, True)]

    def interrupted(*args: t.Any, ready: t.Any = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(server, "run", interrupted)
    code, out, err = serve(str(package), "--db", str(db))
    assert code == 0 and out.strip() == "Stopped." and err == ""


def test_a_port_in_use_or_a_bad_certificate_is_one_line(package: Path, tmp_path: Path) -> None:
    db = tmp_path / "record.sqlite"
    issue(package, db)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        code, _, err = serve(str(package), "--db", str(db), "--port", str(taken.getsockname()[1]))
    finally:
        taken.close()
    assert code == 1 and "port is in use" in err and len(err.splitlines()) == 1
    (tmp_path / "cert.pem").write_text("not a certificate")
    code, _, err = serve(str(package), "--db", str(db), "--cert", str(tmp_path / "cert.pem"), "--key",
                         str(tmp_path / "cert.pem"))
    assert code == 1 and "cannot use the certificate" in err and len(err.splitlines()) == 1


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    """`python -m exgen serve ...` as a process; returns it and the URL it prints when it listens."""
    proc = subprocess.Popen([sys.executable, "-m", "exgen", "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    line = proc.stdout.readline() if ready else ""
    match = re.search(r" at (https?://[^ ]+?)/ ", line)
    if match is None:
        proc.kill()
        pytest.fail(f"exgen serve did not start: {line!r} {proc.communicate()[1]}")
    return proc, match.group(1)


def test_serve_as_a_process_warns_serves_and_stops_cleanly_on_ctrl_c(package: Path, tmp_path: Path) -> None:
    db = tmp_path / "record.sqlite"
    passwords = issue(package, db)
    proc, url = start(str(package), "--db", str(db), "--host", "0.0.0.0", "--port", "0", "--insecure-http")
    port = url.rsplit(":", 1)[1]
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        assert client.get("/login").status_code == 200
        assert client.get("/api/state").status_code == 401
        sign_in(client, "exdir", passwords["exdir"])
        assert client.get("/api/state").json()["ok"] is True
        with client.stream("GET", "/api/stream") as stream:  # an open live stream does not hold up the stop
            assert stream.status_code == 200
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and err.startswith("WARNING: ") and out.strip().endswith("Stopped.")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_serve_over_tls_sets_secure_cookies(package: Path, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out",
                    str(cert)], check=True, capture_output=True)
    db = tmp_path / "record.sqlite"
    passwords = issue(package, db)
    proc, url = start(str(package), "--db", str(db), "--port", "0", "--cert", str(cert), "--key", str(key))
    try:
        assert url.startswith("https://127.0.0.1:")
        with httpx.Client(base_url=url, verify=ssl.create_default_context(cafile=str(cert))) as client:
            answer = client.post("/login", data={"username": "chief", "password": passwords["chief"]})
            assert answer.status_code == 303 and "secure" in answer.headers["set-cookie"].lower()
            assert client.get("/password").status_code == 200
    finally:
        os.kill(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0 and "Traceback" not in err
