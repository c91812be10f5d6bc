"""The ``exgen preview`` click command (registered by :mod:`exgen.cli.commands`): rebuild on save,
serve on loopback, reload the page.

The main thread builds; a thread polls the definition's files and the template directories
(``os.stat`` every :data:`POLL` seconds: no dependency); the HTTP server
(:mod:`exgen.cli.preview_server`) answers from threads of its own. A rebuild has two steps: the
package without its slow conversions (PDF, XLSX), so the HTML is in the browser within a second,
then the whole package; a save during the second step stops it and starts again from the first.
A save that does not build leaves the last good package in place and shows its diagnostics in the
page. The scratch package lives in a private temporary folder removed on exit.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import typing as t
from pathlib import Path

import click

if t.TYPE_CHECKING:
    from exgen.cli.preview_server import State

#: Seconds between two looks at the watched files.
POLL = 0.1
#: A save is taken as finished when the files have not changed for this long (seconds)...
SETTLE = 0.05
#: ...checked at most this many times.
SETTLE_TRIES = 10
#: The outputs a rebuild writes in its first step: rendered text and zip archives take a fraction of
#: a second; every other conversion (the PDF book, the XLSX workbook) takes seconds and waits for the second.
FAST = frozenset({"text", "zip"})

#: The signal that stops building the whole package when a file changes (none where threads cannot
#: be signalled: there the second step runs to its end before the next save is built).
INTERRUPT = signal.SIGUSR1 if hasattr(signal, "SIGUSR1") and hasattr(signal, "pthread_kill") else None

Snapshot = dict[str, "tuple[int, int, int] | None"]


class Superseded(KeyboardInterrupt):
    """A file changed while the whole package was being built: stop and start again (raised in the
    main thread like Ctrl-C, so the pipeline stops its workers and removes its temporary folder)."""


class Watcher(threading.Thread):
    """Polls the definition's files and every file under the template directories; sets
    :attr:`changed` when one is modified, added or removed, and interrupts the main thread when
    it :attr:`may_interrupt` (building the whole package)."""

    def __init__(self, files: t.Iterable[str], dirs: t.Sequence[str]) -> None:
        super().__init__(name="exgen-preview-watcher", daemon=True)
        self.lock = threading.Lock()
        self.files = set(files)
        self.dirs = tuple(dirs)
        self.changed = threading.Event()
        self.may_interrupt = False
        self.stopped = threading.Event()
        self.polling = threading.Lock()
        self.last_files, self.last_tree = self._files(), self._tree()

    def watch(self, files: t.Iterable[str]) -> None:
        """Watch these definition files from now on (includes change with the definition)."""
        with self.lock:
            self.files = set(files)

    def run(self) -> None:
        while not self.stopped.wait(POLL):
            self.poll()

    def poll(self) -> None:
        """Look at every watched file once; on a change, tell the main thread."""
        with self.polling:
            files, tree = self._files(), self._tree()
            moved = tree != self.last_tree or any(self.last_files.get(p, v) != v for p, v in files.items())
            self.last_files, self.last_tree = files, tree
            if moved:
                with self.lock:
                    self.changed.set()
                    if self.may_interrupt and INTERRUPT is not None:
                        signal.pthread_kill(threading.main_thread().ident or 0, INTERRUPT)

    def settle(self) -> None:
        """Wait until the files stay as they are for :data:`SETTLE` seconds (an editor that saves
        by truncating and then writing leaves an empty file for a moment), at most
        :data:`SETTLE_TRIES` times, then take them as seen: the build about to start reads them,
        and a change the watcher saw half-written does not trigger a second build."""
        with self.polling:
            self.changed.clear()
            seen = self._files(), self._tree()
            for _ in range(SETTLE_TRIES):
                time.sleep(SETTLE)
                now = self._files(), self._tree()
                if now == seen:
                    break
                seen = now
            self.last_files, self.last_tree = seen

    def _files(self) -> Snapshot:
        with self.lock:
            files = sorted(self.files)
        return {p: _stat(p) for p in files}

    def _tree(self) -> Snapshot:
        found: Snapshot = {}
        for folder in self.dirs:
            found[folder] = _stat(folder)
            for parent, subdirs, names in os.walk(folder):
                subdirs.sort()
                for name in names:
                    path = os.path.join(parent, name)
                    found[path] = _stat(path)
        return found


def _stat(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class Preview:
    """The build loop: rebuilds into ``scratch/package`` and tells the :class:`State`."""

    def __init__(self, file: str, scratch: Path, template_dirs: tuple[str, ...], seed: int, state: State) -> None:
        self.file, self.scratch, self.template_dirs, self.seed, self.state = file, scratch, template_dirs, seed, state
        self.fast_dir = scratch / "fast-outputs"
        self.fast_dir.mkdir()
        self.watcher = Watcher([file], template_dirs)

    def run(self) -> None:
        """Build, then rebuild on every change, until Ctrl-C (a KeyboardInterrupt to the caller)."""
        import time

        self.watcher.start()
        whole = self._step(full=False)
        while True:
            try:
                if self.watcher.changed.is_set():
                    time.sleep(0.02)  # let an editor finish writing
                    self.watcher.settle()
                    whole = self._step(full=False)
                elif whole:
                    whole = False
                    self._step(full=True)
                else:
                    self.watcher.changed.wait(1.0)
            except Superseded:
                continue

    def stop(self) -> None:
        self.watcher.stopped.set()

    def _step(self, *, full: bool) -> bool:
        """One build; True when the whole package (with the slow conversions) is still to build."""
        import time

        from exgen import pipeline
        from exgen.render import environment

        started = time.monotonic()
        environment.forget_templates()  # one environment per process reads a template once: re-read
        slow = [] if full else self._slow_outputs()
        dirs = self.template_dirs if not slow else (str(self.fast_dir), *self.template_dirs)
        with self.watcher.lock:
            if full and self.watcher.changed.is_set():  # saved again since: the HTML first
                return False
            self.watcher.may_interrupt = full
        try:
            result = pipeline.build(self.file, str(self.scratch / "package"), seed=self.seed, template_dirs=dirs)
        finally:
            with self.watcher.lock:
                self.watcher.may_interrupt = False
        if result.checked.document is not None:
            self.watcher.watch([str(f.path) for f in result.checked.document.files])
        errors = [d for d in result.checked.diagnostics if d.is_error]
        took = time.monotonic() - started
        if result.written is None and result.up_to_date:  # the package in place is this one
            self.state.update(built=False)
            click.echo(f"no change: {result.files} files")
            return bool(slow)
        if result.written is None:
            self.state.update(built=False, errors=errors)
            click.echo(f"{len(errors)} error{'' if len(errors) == 1 else 's'}: see the browser")
            return False
        self.state.update(built=True)
        if full:
            click.echo(f"  PDF and workbook ready in {took:.1f} s: {result.files} files")
        else:
            later = "; PDF and workbook follow" if slow else ""
            click.echo(f"rebuilt in {took:.1f} s: {result.files} files{later}")
        return bool(slow)

    def _slow_outputs(self) -> list[t.Any]:
        """The outputs with a slow conversion, written into the fast step's override ``outputs.yaml``
        as disabled (an empty list when the template set does not load: the build reports why)."""
        from exgen import pipeline
        from exgen.core.text import json_text

        templates, found = pipeline.load_template_set(self.template_dirs)
        slow = [] if found else [s for s in templates.outputs if s.convert not in FAST]
        lines = [{"output": s.output, "template": s.template, "enabled": False} for s in slow]
        (self.fast_dir / "outputs.yaml").write_text(json_text({"outputs": lines}), "utf-8")  # JSON is YAML
        return slow


@click.command("preview")
@click.argument("file", type=click.Path())
@click.option("--port", type=click.IntRange(0, 65535), default=8023, show_default=True,
              help="Port to serve on, on 127.0.0.1 only (0: any free port).")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Directory of template overrides, as for build; watched like the definition.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Seed for generated detail, as for build.")
def preview(file: str, port: int, template_dirs: tuple[str, ...], seed: int) -> None:
    """Build FILE into a scratch package, serve it on http://127.0.0.1:PORT/ and rebuild on every save.

    Watches the definition (the root file and every file it includes) and the --templates
    directories. The pages reload by themselves when a new build is in place: the HTML within
    about a second of saving, the PDF and the workbook a few seconds later. A save that does not
    build leaves the last good package in place and shows its diagnostics
    (`file:line:col: error[code]: message`, the place linked for VS Code) at the top of the page.
    Ctrl-C stops the preview and removes the scratch package.
    """
    import shutil

    from exgen.cli import preview_server
    from exgen.core import processes, staging

    scratch = staging.scratch_dir("preview")  # a preview killed with SIGKILL leaves it to the next one
    state = preview_server.State(scratch / "package")
    loop = Preview(file, scratch, template_dirs, seed, state)
    restore = processes.raise_on_sigterm()
    previous = signal.signal(INTERRUPT, lambda _s, _f: _superseded(loop.watcher)) if INTERRUPT else None
    try:
        code = _serve(file, port, scratch, state, loop)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        loop.stop()
        state.close()
        shutil.rmtree(scratch, ignore_errors=True)
        restore()
        if INTERRUPT:
            signal.signal(INTERRUPT, previous)
    sys.exit(code)


def _serve(file: str, port: int, scratch: Path, state: State, loop: Preview) -> int:
    """Serve and rebuild until Ctrl-C or SIGTERM; the exit code."""
    from exgen.cli import preview_server
    from exgen.core import processes
    from exgen.core.text import printable

    try:
        server = preview_server.Server(state, port)
    except OSError as exc:
        click.echo(f"exgen: cannot serve on {preview_server.HOST}:{port}: {printable(exc.strerror or str(exc))}"
                   " (choose another --port)", err=True)
        return 1
    try:
        threading.Thread(target=server.serve_forever, name="exgen-preview-server", daemon=True).start()
        click.echo(f"Previewing {printable(file)} at {server.url} (scratch package in {printable(str(scratch))}); "
                   "Ctrl-C to stop")
        loop.run()
    except KeyboardInterrupt as exc:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        click.echo("exgen: preview stopped; scratch package removed", err=True)
        return 143 if isinstance(exc, processes.Terminated) else 0
    finally:
        state.close()
        server.shutdown()
        server.server_close()
    return 0


def _superseded(watcher: Watcher) -> None:
    """The INTERRUPT handler: stop building the whole package (only while it is being built)."""
    if watcher.may_interrupt:
        raise Superseded()
