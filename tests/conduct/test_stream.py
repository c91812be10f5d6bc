"""The live stream over a real uvicorn server: within a second, per role, resumable, and its shared reads."""

from __future__ import annotations

import asyncio
import time
import typing as t
from pathlib import Path

import httpx
import pytest

from exgen.conduct import stream
from exgen.conduct.record_types import Event
from tests.conduct.served import Listener, Live, Served, sign_in


@pytest.fixture(autouse=True)
def quick_keepalive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep-alives every 0.2 s, so a listener the test closes notices at once (between messages)."""
    monkeypatch.setattr(stream, "KEEPALIVE", 0.2)


@pytest.fixture
def served(flagship_package: Path, tmp_path: Path) -> t.Iterator[Served]:
    found = Served(flagship_package, tmp_path / "conduct.sqlite")
    yield found
    found.close()


@pytest.fixture
def live(served: Served) -> t.Iterator[Live]:
    server = Live(served.app)
    yield server
    server.stop()


@pytest.fixture
def login(served: Served, live: Live) -> t.Iterator[t.Callable[[str], httpx.Client]]:
    clients: list[httpx.Client] = []

    def make(user: str) -> httpx.Client:
        client = httpx.Client(base_url=live.url, follow_redirects=False)
        served.passwords[user] = sign_in(client, user, served.passwords[user])
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def act(client: httpx.Client, inject: str, action: str, **body: t.Any) -> dict[str, t.Any]:
    answer = client.post(f"/api/injects/{inject}/actions", json={"action": action, **body})
    assert answer.status_code == 200, answer.text
    return t.cast("dict[str, t.Any]", answer.json())


def test_a_release_reaches_an_evaluators_stream_within_a_second_with_the_inject(
        login: t.Callable[[str], httpx.Client], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "KEEPALIVE", 15.0)  # nothing but the write's own wake-up brings it
    controller, evaluator = login("ctrl-hicon"), login("ev-c2")
    listener = Listener(evaluator)
    assert listener.status == 200
    done = act(controller, "INJ-001", "release", version=0, key="r")
    answered = time.monotonic()
    message = listener.take(timeout=1.0)
    assert message.at - answered < 1.0
    assert message.id == done["seq"] and message.data["kind"] == "inject.release"
    inject = message.data["inject"]
    assert inject["id"] == "INJ-001" and inject["status"] == "released" and inject["title"].startswith("MND FRAGO")
    assert "notes" not in inject  # the listener ends with the server


def test_each_listener_gets_only_what_its_role_may_see(login: t.Callable[[str], httpx.Client]) -> None:
    chief, evaluator, observer, player = login("chief"), login("ev-c2"), login("observer1"), login("rp-ktv-presenter")
    watching = {name: Listener(client) for name, client in
                (("chief", chief), ("evaluator", evaluator), ("observer", observer), ("player", player))}
    act(chief, "INJ-003", "annotate", text="EXCON only")
    act(chief, "INJ-004", "hold")
    assert chief.post("/api/comms", json={"net": "BDE-CMD-HF", "state": "down"}).status_code == 200
    act(chief, "INJ-001", "response", text="Not released yet")
    released = act(chief, "INJ-001", "release")
    own = act(chief, "INJ-002", "hold")  # the presenter's own card (from RP-KTV-PRESENTER), held: still theirs
    act(chief, "INJ-002", "annotate", text="EXCON only, on the presenter's card")
    got = {name: listener.drain() for name, listener in watching.items()}
    assert [m.data["kind"] for m in got["chief"]] == ["inject.annotate", "inject.hold", "comms.event",
                                                      "inject.response", "inject.release", "inject.hold",
                                                      "inject.annotate"]
    for name in ("evaluator", "observer"):
        assert [m.id for m in got[name]] == [released["seq"]], name
    assert "responses" in got["evaluator"][0].data["inject"] and "responses" not in got["observer"][0].data["inject"]
    assert [m.id for m in got["player"]] == [own["seq"]] and "notes" not in got["player"][0].data["inject"]
    for listener in watching.values():
        listener.close()


def test_resuming_gets_exactly_the_missed_visible_events(login: t.Callable[[str], httpx.Client]) -> None:
    chief, evaluator = login("chief"), login("ev-c2")
    first = Listener(evaluator)
    seen = act(chief, "INJ-001", "release")["seq"]
    assert first.take().id == seen
    first.close()
    expected = []
    act(chief, "INJ-002", "annotate", text="hidden")
    expected.append(act(chief, "INJ-002", "release")["seq"])
    act(chief, "INJ-005", "hold")
    expected.append(act(chief, "INJ-001", "deliver")["seq"])
    assert chief.post("/api/comms", json={"pace": "PACE-ME", "state": "up"}).status_code == 200
    resumed = Listener(evaluator, last_event_id=seen)
    assert [m.id for m in resumed.drain()] == expected
    resumed.close()
    again = Listener(evaluator, after=seen)
    assert [m.id for m in again.drain()] == expected
    live = act(chief, "INJ-003", "release")["seq"]
    assert again.take().id == live
    again.close()
    everything = Listener(chief, after=0)
    assert [m.id for m in everything.drain()] == list(range(1, live + 1))
    everything.close()


def test_keep_alives_on_a_quiet_stream_and_it_ends_after_sign_out(login: t.Callable[[str], httpx.Client]) -> None:
    evaluator = login("ev-c2")
    listener = Listener(evaluator)
    time.sleep(0.7)
    assert listener.comments >= 2 and not listener.ended.is_set()
    other = login("ev-c2")
    assert other.post("/logout").status_code == 303  # another session of the same user: this one goes on
    time.sleep(0.5)
    assert not listener.ended.is_set()
    assert evaluator.post("/logout").status_code == 303
    assert listener.ended.wait(2.0)


def test_stopping_the_server_ends_open_streams(served: Served) -> None:
    server = Live(served.app)
    client = httpx.Client(base_url=server.url)
    sign_in(client, "chief", served.passwords["chief"])
    listener = Listener(client)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.5
    assert listener.ended.wait(2.0)
    client.close()


def test_a_bad_resume_point_is_refused(login: t.Callable[[str], httpx.Client]) -> None:
    chief = login("chief")
    assert chief.get("/api/stream", params={"after": "-1"}).status_code == 400
    assert chief.get("/api/stream", headers={"Last-Event-ID": "x"}).status_code == 400


def _event(seq: int) -> Event:
    return Event(seq, "2027-05-10T06:00:00.000Z", 0.0, "chief", "chief-controller", "clock.start", "clock", {}, None)


def test_the_hub_reads_once_for_all_listeners_and_wakes_them_together() -> None:
    reads: list[int] = []

    async def loader(after: int) -> list[stream.Entry]:
        reads.append(after)
        await asyncio.sleep(0.01)
        return [stream.Entry(_event(s), None) for s in range(after + 1, hub.latest + 1)]

    hub = stream.Hub(loader, latest=0)

    async def listener() -> list[int]:
        assert await hub.wait(0, 5.0)
        return [e.event.seq for e in await hub.after(0)]

    async def scenario() -> list[list[int]]:
        waiting = [asyncio.ensure_future(listener()) for _ in range(50)]
        await asyncio.sleep(0.05)
        assert not any(w.done() for w in waiting)
        hub.publish(3)
        return await asyncio.gather(*waiting)

    assert asyncio.run(scenario()) == [[1, 2, 3]] * 50
    assert reads == [0]


def test_the_hub_times_out_quietly_and_closing_wakes_everyone() -> None:
    async def loader(after: int) -> list[stream.Entry]:
        return []

    hub = stream.Hub(loader, latest=7)

    async def scenario() -> tuple[bool, bool]:
        quiet = await hub.wait(7, 0.05)
        waiting = asyncio.ensure_future(hub.wait(7, 5.0))
        await asyncio.sleep(0.01)
        hub.close()
        return quiet, await waiting

    assert asyncio.run(scenario()) == (False, True)
    assert hub.closed
