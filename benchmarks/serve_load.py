"""``make bench``, the live server: 50 SSE listeners and one writer at 20 writes/s against a 10,000-inject package.

A synthetic definition (benchmarks/synth.py) is built with only its ``data/exercise.json``; the
EXCON accounts are issued straight into a fresh record (exgen.conduct.accounts, as
``exgen serve --issue-accounts`` does) and given a known password; then ``exgen serve`` runs as a
subprocess. Each listener signs in over HTTP (its own session, EXCON roles, so every event is
visible to it) and holds ``GET /api/stream`` open on a raw socket; the writer, signed in as the
exercise director, releases an inject and annotates it, turn about, at a fixed pace through
``POST /api/injects/ID/actions``. For every event written, the latency is the time from the
writer receiving the HTTP response to the event's arrival at each listener (an event that
arrives before the writer has its response counts as 0 ms); an event some listener never
received is lost. The server's peak resident memory is the kernel's ``VmHWM`` of its process.
Prints figures and PASS/MISS per target; exit 0 unless the benchmark itself cannot run.

    python benchmarks/serve_load.py --exgen .venv/bin/exgen [--seconds 60] [--listeners 50] [--rate 20]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SYNTH = HERE / "synth.py"

TARGET_P95_MS = 200.0  # write response → every listener, 95th percentile
TARGET_LOST = 0  # events some listener never got
TARGET_RSS_MB = 250.0  # the server's peak resident memory
PASSWORD = "bench-password-not-secret"
#: How long after the last write listeners may take to catch up before an event counts as lost.
GRACE_S = 10.0


def verdict(value: float, limit: float) -> str:
    return "n/a" if math.isnan(value) else ("PASS" if value <= limit else "MISS")


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``values``, nearest rank; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


class Memory(threading.Thread):
    """The server's peak RSS in MB: VmHWM from /proc/PID/status, read every 0.5 s (the last read wins)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self.rss_mb = pid, float("nan"), float("nan")
        self.done = threading.Event()

    def sample(self) -> None:
        try:
            fields = dict(line.split(":", 1) for line in Path(f"/proc/{self.pid}/status").read_text().splitlines()
                          if ":" in line)
        except OSError:
            return
        if "VmHWM" in fields:
            self.peak_mb = int(fields["VmHWM"].split()[0]) / 1024
            self.rss_mb = int(fields["VmRSS"].split()[0]) / 1024

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(0.5)

    def stop(self) -> float:
        self.sample()
        self.done.set()
        self.join()
        return self.peak_mb


def prepare(exgen: str, injects: int, work: Path) -> tuple[Path, Path, list[str], list[str]]:
    """Build the package, issue the accounts; (package, record, inject ids, EXCON user names)."""
    definition, package, db = work / "exercise.yaml", work / "package", work / "bench.conduct.sqlite"
    subprocess.run([sys.executable, str(SYNTH), str(injects), "-o", str(definition)], check=True,
                   stdout=subprocess.DEVNULL)
    started = time.monotonic()
    subprocess.run([exgen, "build", str(definition), "-o", str(package), "--only", "data", "--quiet"], check=True)
    print(f"built data/exercise.json of {injects} injects in {time.monotonic() - started:.1f} s "
          f"({(package / 'data' / 'exercise.json').stat().st_size / 2**20:.1f} MiB)", flush=True)
    from exgen.conduct import accounts, store
    from exgen.conduct.runtime import exercise_id, load_exercise

    exercise = load_exercise(package)
    conn = store.open_db(db, exercise_id(exercise))
    try:
        issued = accounts.issue(conn, exercise, observers=0)
        excon = [i for i in issued if i.role in ("director", "chief-controller", "controller")]
        for account in excon:
            accounts.change_password(conn, account.username, account.password, PASSWORD)
    finally:
        conn.close()
    director = [a.username for a in excon if a.role == "director"]
    names = director + [a.username for a in excon if a.role != "director"]
    return package, db, [str(i["id"]) for i in exercise["injects"]], names


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(exgen: str, package: Path, db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        proc = subprocess.Popen([exgen, "serve", str(package), "--db", str(db), "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    import httpx

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench: exgen serve exited {proc.returncode}: {log.read_text()[-1000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("bench: exgen serve did not answer /login within 180 s")


class Listener:
    """One SSE client on a raw socket: the arrival time of every event id it reads."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port, self.cookie = port, cookie
        self.got: dict[int, float] = {}
        self.connected = asyncio.Event()
        self.error = ""

    async def run(self, after: int) -> None:
        try:
            await self._run(after)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            self.connected.set()

    async def _run(self, after: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(f"GET /api/stream?after={after} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                     f"Cookie: exgen_session={self.cookie}\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        status = await reader.readline()
        headers = []
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            headers.append(line.decode("latin-1").strip().lower())
        if b" 200 " not in status:
            raise ValueError(f"stream answered {status.decode('latin-1').strip()}")
        chunked = "transfer-encoding: chunked" in headers
        self.connected.set()
        buffer = b""
        while True:
            if chunked:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    break
                data = (await reader.readexactly(size + 2))[:-2]
            else:
                data = await reader.read(65536)
                if not data:
                    break
            now = time.perf_counter()
            buffer += data.replace(b"\r\n", b"\n")
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                for line in block.split(b"\n"):
                    if line.startswith(b"id:"):
                        self.got.setdefault(int(line[3:].strip()), now)


async def sign_in(client: t.Any, user: str) -> str:
    """A new session for ``user`` over HTTP (POST /login); its cookie value."""
    answer = await client.post("/login", data={"username": user, "password": PASSWORD})
    cookie = answer.cookies.get("exgen_session")
    if answer.status_code != 303 or not cookie:
        raise SystemExit(f"bench: signing in as {user} answered {answer.status_code}")
    client.cookies.clear()
    return str(cookie)


async def load(port: int, users: list[str], inject_ids: list[str], listeners: int, rate: float,
               seconds: float) -> dict[str, t.Any]:
    import httpx

    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        cookies = [await sign_in(client, users[1 + n % (len(users) - 1)] if len(users) > 1 else users[0])
                   for n in range(listeners)]
        director = await sign_in(client, users[0])
    crowd = [Listener(port, c) for c in cookies]
    async with httpx.AsyncClient(base_url=base, timeout=30, cookies={"exgen_session": director}) as writer:
        me = (await writer.get("/api/me")).json()
        after = int((await writer.get("/api/state")).json()["seq"])
        tasks = [asyncio.create_task(x.run(after)) for x in crowd]
        await asyncio.gather(*(x.connected.wait() for x in crowd))
        broken = [x.error for x in crowd if x.error]
        if broken:
            raise SystemExit(f"bench: {len(broken)} listeners could not connect: {broken[0]}")
        headers = {"X-CSRF-Token": me["csrf"]}
        written: dict[int, float] = {}
        errors: list[str] = []
        total = int(rate * seconds)
        start = time.perf_counter()
        for n in range(total):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            inject = inject_ids[(n // 2) % len(inject_ids)]
            body = ({"action": "release", "version": 0} if n % 2 == 0 else
                    {"action": "annotate", "version": 1, "text": f"Benchmark note {n}: seen by the duty controller."})
            answer = await writer.post(f"/api/injects/{inject}/actions", json={**body, "key": f"bench-{n}"},
                                       headers=headers)
            done = time.perf_counter()
            if answer.status_code == 200:
                written[int(answer.json()["seq"])] = done
            elif len(errors) < 5:
                errors.append(f"{answer.status_code} {answer.text[:200]}")
        elapsed = time.perf_counter() - start
        deadline = time.perf_counter() + GRACE_S
        while time.perf_counter() < deadline and any(len(written.keys() - x.got.keys()) for x in crowd):
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    deliveries = [max(0.0, x.got[seq] - at) * 1000 for seq, at in written.items() for x in crowd if seq in x.got]
    # per event, until the last listener had it: what "every client sees it" waits for
    everyone = [max(0.0, max(x.got[seq] for x in crowd) - at) * 1000 for seq, at in written.items()
                if all(seq in x.got for x in crowd)]
    lost = [seq for seq in written if any(seq not in x.got for x in crowd)]
    missing = sum(seq not in x.got for seq in written for x in crowd)
    return {"written": len(written), "attempted": total, "elapsed": elapsed, "errors": errors,
            "deliveries": deliveries, "everyone": everyone, "lost": len(lost), "missing": missing,
            "listeners": len(crowd)}


def stop(proc: subprocess.Popen[bytes]) -> int:
    """Ctrl-C the server as a user would; kill it when it does not stop within 20 s."""
    proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exgen", default=str(ROOT / ".venv" / "bin" / "exgen"))
    parser.add_argument("--injects", type=int, default=10_000, help="Injects in the synthetic package.")
    parser.add_argument("--listeners", type=int, default=50, help="Concurrent SSE clients.")
    parser.add_argument("--rate", type=float, default=20.0, help="Writes per second.")
    parser.add_argument("--seconds", type=float, default=60.0, help="How long the writer writes.")
    parser.add_argument("--keep", type=Path, help="Keep the package, record and server log in this folder.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="exgen-serve-bench-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        package, db, inject_ids, users = prepare(args.exgen, args.injects, work)
        port = free_port()
        proc = start_server(args.exgen, package, db, port, work / "serve.log")
        memory = Memory(proc.pid)
        memory.start()
        idle_mb = float("nan")
        try:
            memory.sample()
            idle_mb = memory.rss_mb
            print(f"exgen serve (pid {proc.pid}) on port {port}, {idle_mb:.0f} MB resident; {args.listeners} "
                  f"listeners, {args.rate:g} writes/s for {args.seconds:g} s", flush=True)
            result = asyncio.run(load(port, users, inject_ids, args.listeners, args.rate, args.seconds))
        finally:
            peak = memory.stop()
            code = stop(proc)
        report(args, result, idle_mb, peak, code)
    return 0


def report(args: argparse.Namespace, r: dict[str, t.Any], idle_mb: float, peak_mb: float, code: int) -> None:
    lat = r["everyone"]
    p95 = percentile(lat, 0.95)
    print()
    print(f"writes: {r['written']} of {r['attempted']} answered 200 in {r['elapsed']:.1f} s "
          f"({r['written'] / r['elapsed']:.1f}/s); listeners: {r['listeners']}; deliveries measured: "
          f"{len(r['deliveries'])}")
    for e in r["errors"]:
        print(f"  ! write refused: {e}")
    for label, values in (("write response → each listener", r["deliveries"]),
                          ("write response → all listeners", lat)):
        print(f"{label}: p50 {percentile(values, 0.5):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, "
              f"max {max(values) if values else float('nan'):.1f} ms"
              + (f", mean {statistics.fmean(values):.1f} ms" if values else ""))
    print(f"events some listener never got: {r['lost']} ({r['missing']} deliveries missing)")
    print(f"server resident memory: {idle_mb:.0f} MB after start, peak {peak_mb:.0f} MB (VmHWM); "
          f"stopped with exit code {code}")
    print()
    rows = [(f"p95 write → all listeners ≤ {TARGET_P95_MS:g} ms", f"{p95:.1f} ms", verdict(p95, TARGET_P95_MS)),
            (f"lost events = {TARGET_LOST}", str(r["lost"]), "PASS" if r["lost"] == TARGET_LOST and lat else "MISS"),
            (f"server peak RSS ≤ {TARGET_RSS_MB:g} MB", f"{peak_mb:.0f} MB", verdict(peak_mb, TARGET_RSS_MB))]
    if r["written"] < r["attempted"]:
        rows.append(("every write answered 200", f"{r['written']}/{r['attempted']}", "MISS"))
    small = args.injects < 10_000 or args.listeners < 50 or args.seconds < 60 or args.rate < 20
    print(f"{'target (serve)':<48}{'measured':>12}  verdict")
    print("-" * 70)
    for label, measured, mark in rows:
        print(f"{label:<48}{measured:>12}  {mark if not small or mark == 'n/a' else f'info ({mark})'}")
    if small:
        print("(the targets are set for 10,000 injects, 50 listeners, 20 writes/s for 60 s; this run is smaller)")
    print(f"Load average {' / '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores.")


if __name__ == "__main__":
    sys.exit(main())
