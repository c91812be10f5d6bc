"""The ``exgen serve`` click command (registered by :mod:`exgen.cli.commands`): run the live EXCON server.

Exit codes: 0 stopped cleanly (Ctrl-C) or accounts issued, 1 the package, record or port cannot
be used, 2 a usage error (among them: serving the network without TLS and without
``--insecure-http``). Every error is one plain line; the server itself is :mod:`exgen.conduct.server`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

#: Where the record goes without --db: beside the package, named after it.
DB_SUFFIX = ".conduct.sqlite"


def default_db(package: Path) -> Path:
    """``PACKAGE_DIR/../<package name>.conduct.sqlite``."""
    folder = package.resolve()
    return folder.parent / f"{folder.name}{DB_SUFFIX}"


def default_credentials(package: Path, db: Path) -> Path:
    """``<name>-credentials.html`` beside the record."""
    return db.parent / f"{package.resolve().name}-credentials.html"


def _fail(message: str, code: int = 1) -> None:
    from exgen.core.text import printable

    click.echo(f"exgen: {printable(message)}", err=True)
    sys.exit(code)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (it holds passwords), replacing it whole."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _issue(package: Path, db: Path, credentials: Path | None, observers: int) -> None:
    from exgen.conduct import accounts, runtime, store
    from exgen.conduct import credentials as sheet

    exercise = runtime.load_exercise(package)
    conn = store.open_db(db, runtime.exercise_id(exercise))
    try:
        issued = accounts.issue(conn, exercise, observers)
    finally:
        conn.close()
    target = credentials or default_credentials(package, db)
    try:
        _write_private(target, sheet.sheet(exercise["exercise"], issued))
    except OSError as exc:
        _fail(f"cannot write the credentials sheet {target}: {exc.strerror or exc}")
    click.echo(f"Issued {len(issued)} accounts with one-time passwords in {db}.")
    click.echo(f"Credentials sheet: {target} (print it, cut out the cards, hand them out, then delete the file).")
    click.echo(f"Start the server with: exgen serve {package}" + ("" if db == default_db(package) else f" --db {db}"))


def _has_accounts(db: Path, exercise_id: str) -> bool:
    from exgen.conduct import store

    conn = store.open_db(db, exercise_id)
    try:
        return bool(conn.execute("SELECT COUNT(*) FROM accounts").fetchone()[0] > 0)
    finally:
        conn.close()


@click.command("serve")
@click.argument("package_dir", metavar="PACKAGE_DIR", type=click.Path(path_type=Path))
@click.option("--db", "db", type=click.Path(path_type=Path, dir_okay=False),
              help="The conduct record (SQLite). Default: <package name>.conduct.sqlite beside the package.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but this machine needs --cert/--key or --insecure-http.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--cert", type=click.Path(path_type=Path, dir_okay=False), help="TLS certificate (PEM).")
@click.option("--key", type=click.Path(path_type=Path, dir_okay=False), help="TLS private key (PEM).")
@click.option("--insecure-http", is_flag=True,
              help="Serve the network over plain HTTP: passwords and exercise data cross it unencrypted.")
@click.option("--issue-accounts", is_flag=True,
              help="(Re)issue every account of the EXCON roster with a one-time password, write the "
                   "printable credentials sheet and stop, without serving.")
@click.option("--observers", type=click.IntRange(0, 100), default=2, show_default=True,
              help="Observer accounts to issue (with --issue-accounts).")
@click.option("--credentials", type=click.Path(path_type=Path, dir_okay=False),
              help="Where --issue-accounts writes the sheet. Default: <package name>-credentials.html "
                   "beside the record.")
def serve(package_dir: Path, db: Path | None, host: str, port: int, cert: Path | None, key: Path | None,
          insecure_http: bool, issue_accounts: bool, observers: int, credentials: Path | None) -> None:
    """Run the live EXCON server for a built package: clock, inject status, notes, comms, observations.

    \b
    First:  exgen serve PACKAGE_DIR --issue-accounts   (print the credentials sheet it writes)
    Then:   exgen serve PACKAGE_DIR                    (http://127.0.0.1:8080/, Ctrl-C stops)
    On a LAN: exgen serve PACKAGE_DIR --host 0.0.0.0 --cert cert.pem --key key.pem

    Every action is an event in the record (--db); restarting on the same record continues
    where it stopped. See docs/conduct.md.
    """
    from exgen.conduct import server, store
    from exgen.conduct.runtime import ServeError, exercise_id, load_exercise

    record = db or default_db(package_dir)
    try:
        if issue_accounts:
            _issue(package_dir, record, credentials, observers)
            return
        server.check_binding(host, cert, key, insecure_http)
    except ServeError as exc:
        _fail(str(exc), 1 if issue_accounts else 2)
    except store.StoreError as exc:
        _fail(str(exc))
    try:
        exercise = load_exercise(package_dir)
        if not _has_accounts(record, exercise_id(exercise)):
            _fail(f"{record} has no accounts yet: run `exgen serve {package_dir} --issue-accounts` first "
                  "and hand out the credentials sheet")
    except (ServeError, store.StoreError) as exc:
        _fail(str(exc))
    if insecure_http and cert is None:
        click.echo(f"WARNING: serving plain HTTP on {host}: passwords and exercise data cross the network "
                   "unencrypted; use --cert and --key on any network you do not control.", err=True)

    def ready(url: str) -> None:
        click.echo(f"Serving {exercise['exercise'].get('name', '')} at {url} (record: {record}). Ctrl-C stops.")

    from exgen.core import processes

    restore = processes.raise_on_sigterm()  # SIGTERM stops the server like Ctrl-C
    try:
        server.run(package_dir, record, host, port, cert, key, insecure_http, ready=ready)
    except (ServeError, store.StoreError) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:  # uvicorn has already stopped; it raises the signal again once done
        pass
    finally:
        restore()
    click.echo("Stopped.")
