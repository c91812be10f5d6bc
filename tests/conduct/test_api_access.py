"""Every access rule of the EXCON server, enforced over HTTP: sessions, CSRF, origin, rate limit, roles."""

from __future__ import annotations

import re
import sqlite3
import typing as t
from pathlib import Path

import pytest
from starlette.routing import Route

from exgen.conduct import access, sessions
from exgen.conduct.app import PUBLIC
from tests.conduct.served import Served

#: Injects of the flagship by who runs them (data/exercise.json): INJ-001 HICON (from MND-HICON),
#: INJ-002 Red Cell (from role player RP-KTV-PRESENTER), INJ-006 White Cell (from RP-JOURNALIST).
HICON_INJECT, RED_INJECT, JOURNALIST_INJECT = "INJ-001", "INJ-002", "INJ-006"


@pytest.fixture
def served(flagship_package: Path, tmp_path: Path) -> t.Iterator[Served]:
    found = Served(flagship_package, tmp_path / "conduct.sqlite")
    yield found
    found.close()


def routes(served: Served) -> list[tuple[str, str]]:
    """(method, concrete path) of every route of the app."""
    found = []
    for route in served.app.routes:
        assert isinstance(route, Route)
        path = route.path.replace("{id}", "INJ-001").replace("{name}", "app.js")
        found += [(method, path) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


def test_nothing_but_the_sign_in_page_answers_without_a_session(served: Served) -> None:
    client = served.anonymous()
    walked = routes(served)
    assert len(walked) >= 18
    for method, path in walked:
        answer = client.request(method, path, json={"action": "release"} if method != "GET" else None)
        if path in PUBLIC:  # the sign-in form and a refused sign-in: no session, nothing told
            assert answer.status_code in (200, 415) and "set-cookie" not in answer.headers, (method, path)
            continue
        if path.startswith("/api/"):
            assert answer.status_code == 401 and answer.json()["error"] == "unauthenticated", (method, path)
        else:
            assert answer.status_code == 303 and answer.headers["location"] == "/login", (method, path)
    assert client.get("/healthz").status_code == 404  # no other page: nothing answers there
    assert served.events() == []


def test_a_forged_or_expired_cookie_is_no_session(served: Served) -> None:
    chief = served.client("chief")
    assert chief.get("/api/state").status_code == 200
    forged = served.anonymous()
    forged.cookies.set(sessions.COOKIE_NAME, "A" * 43)
    assert forged.get("/api/state").status_code == 401
    forged.cookies.set(sessions.COOKIE_NAME, "x" * 5000)
    assert forged.get("/api/state").status_code == 401
    conn = sqlite3.connect(served.db)
    with conn:
        conn.execute("UPDATE sessions SET last_seen = last_seen - ?", (sessions.IDLE_TIMEOUT + 60,))
    conn.close()
    assert chief.get("/api/state").status_code == 401
    assert chief.get("/", follow_redirects=False).status_code == 303


def test_state_changes_need_the_sessions_csrf_token(served: Served) -> None:
    chief = served.client("chief")
    token = chief.headers.pop("X-CSRF-Token")
    writes = [(m, p) for m, p in routes(served) if m in ("POST", "PUT") and p not in PUBLIC]
    assert len(writes) >= 9
    for method, path in writes:
        missing = chief.request(method, path, json={"action": "release", "version": 0})
        assert missing.status_code == 403 and missing.json()["error"] == "csrf", (method, path)
        wrong = chief.request(method, path, json={"action": "release", "version": 0},
                              headers={"X-CSRF-Token": token[:-2] + "xx"})
        assert wrong.status_code == 403, (method, path)
    other = served.client("exdir").headers["X-CSRF-Token"]
    assert chief.post("/api/injects/INJ-001/actions", json={"action": "release"},
                      headers={"X-CSRF-Token": other}).status_code == 403
    assert served.events() == []
    assert chief.post("/api/injects/INJ-001/actions", json={"action": "release"},
                      headers={"X-CSRF-Token": token}).status_code == 200


def test_a_cross_origin_request_is_refused_even_with_the_token(served: Served) -> None:
    chief = served.client("chief")
    for origin in ("http://evil.example", "https://testserver", "http://testserver:8080", "null"):
        answer = chief.post("/api/injects/INJ-001/actions", json={"action": "release"}, headers={"Origin": origin})
        assert answer.status_code == 403, origin
    assert chief.post("/api/injects/INJ-001/actions", json={"action": "release"},
                      headers={"Origin": "http://testserver"}).status_code == 200
    login = served.anonymous().post("/login", data={"username": "exdir", "password": served.passwords["exdir"]},
                                    headers={"Origin": "http://evil.example"})
    assert login.status_code == 403 and "set-cookie" not in login.headers


def test_wrong_user_and_wrong_password_get_the_same_answer_and_the_sixth_failure_waits(served: Served) -> None:
    client = served.anonymous()
    unknown = client.post("/login", data={"username": "nobody", "password": "whatever it is"})
    wrong = client.post("/login", data={"username": "exdir", "password": "whatever it is"})
    assert unknown.status_code == wrong.status_code == 401
    assert "Wrong user name or password" in unknown.text and "Wrong user name or password" in wrong.text
    for _ in range(4):
        assert client.post("/login", data={"username": "exdir", "password": "still wrong"}).status_code == 401
    sixth = client.post("/login", data={"username": "exdir", "password": served.passwords["exdir"]})
    assert sixth.status_code == 429 and int(sixth.headers["retry-after"]) > 0
    assert "set-cookie" not in sixth.headers
    assert served.anonymous().post("/login", data={"username": "chief", "password": served.passwords["chief"]}
                                   ).status_code == 303


def released_for(client: t.Any) -> set[str]:
    return {i["id"] for i in client.get("/api/state").json()["injects"]}


def test_observers_and_evaluators_see_only_released_injects_without_excon_notes(served: Served) -> None:
    chief, evaluator, observer = served.client("chief"), served.client("ev-c2"), served.client("observer1")
    assert released_for(evaluator) == released_for(observer) == set()
    for who in (evaluator, observer):
        assert who.get(f"/api/injects/{HICON_INJECT}").status_code == 404
        hidden = who.post(f"/api/injects/{HICON_INJECT}/actions", json={"action": "release"})
        assert hidden.status_code == 404 and "inject" not in hidden.json()
    chief.post(f"/api/injects/{HICON_INJECT}/actions", json={"action": "annotate", "text": "EXCON eyes only"})
    chief.post(f"/api/injects/{HICON_INJECT}/actions", json={"action": "response", "text": "Acknowledged by G3"})
    chief.post(f"/api/injects/{HICON_INJECT}/actions", json={"action": "release"})
    chief.post(f"/api/injects/{RED_INJECT}/actions", json={"action": "hold"})
    assert released_for(evaluator) == released_for(observer) == {HICON_INJECT}
    seen_by_evaluator = evaluator.get(f"/api/injects/{HICON_INJECT}").json()
    seen_by_observer = observer.get(f"/api/injects/{HICON_INJECT}").json()
    assert "notes" not in seen_by_evaluator["inject"] and "notes" not in seen_by_observer["inject"]
    assert [r["text"] for r in seen_by_evaluator["inject"]["responses"]] == ["Acknowledged by G3"]
    assert "responses" not in seen_by_observer["inject"]
    assert "EXCON eyes only" not in str(seen_by_evaluator) + str(seen_by_observer)
    assert {h["kind"] for h in seen_by_evaluator["history"]} == {"inject.release", "inject.response"}
    assert "Acknowledged by G3" in str(seen_by_evaluator["history"])
    assert "Acknowledged by G3" not in str(seen_by_observer)
    assert "EXCON eyes only" in str(chief.get(f"/api/injects/{HICON_INJECT}").json())
    refused = observer.post(f"/api/injects/{HICON_INJECT}/actions", json={"action": "deliver", "version": 3})
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden" and "inject" not in refused.json()
    assert evaluator.get(f"/api/injects/{RED_INJECT}").status_code == 404


def test_a_role_player_sees_only_their_own_cards(served: Served) -> None:
    player, chief = served.client("rp-journalist"), served.client("chief")
    own = {i["id"] for i in served.exercise["injects"] if i["from"] == "RP-JOURNALIST"}
    assert len(own) >= 2
    state = player.get("/api/state").json()
    assert {i["id"] for i in state["injects"]} == own
    assert all("notes" not in i for i in state["injects"]) and state["comms"] == [] and state["observations"] == []
    assert player.get(f"/api/injects/{JOURNALIST_INJECT}").status_code == 200
    assert player.get(f"/api/injects/{HICON_INJECT}").status_code == 404
    assert player.post(f"/api/injects/{JOURNALIST_INJECT}/actions", json={"action": "release"}).status_code == 403
    chief.post(f"/api/injects/{HICON_INJECT}/actions", json={"action": "release"})
    assert HICON_INJECT not in released_for(player)


def test_a_controller_acts_only_on_their_cells_injects(served: Served) -> None:
    hicon, red = served.client("ctrl-hicon"), served.client("ctrl-red")
    refused = hicon.post(f"/api/injects/{RED_INJECT}/actions", json={"action": "release", "version": 0})
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert red.post(f"/api/injects/{HICON_INJECT}/actions", json={"action": "annotate", "text": "x"}
                    ).status_code == 403
    assert red.post(f"/api/injects/{RED_INJECT}/actions", json={"action": "release", "version": 0}).status_code == 200
    assert hicon.post(f"/api/injects/{HICON_INJECT}/actions", json={"action": "release"}).status_code == 200
    assert hicon.post("/api/clock", json={"action": "start"}).status_code == 403
    assert hicon.post("/api/evaluation/close", json={}).status_code == 403
    assert hicon.post("/api/observations", json={"objective": "TO-1", "text": "x", "rating": "P"}).status_code == 403
    assert [e["subject"] for e in served.events()] == [RED_INJECT, HICON_INJECT]


def test_observations_are_shown_to_their_objectives_evaluators_and_the_leads_only(served: Served) -> None:
    author, other, observer, chief = (served.client(u) for u in ("ev-c2", "ev-cip", "observer1", "chief"))
    assert author.post("/api/observations", json={"objective": "TO-2", "text": "Orders on time", "rating": "P"}
                       ).status_code == 201
    assert [o["text"] for o in author.get("/api/state").json()["observations"]] == ["Orders on time"]
    assert [o["text"] for o in chief.get("/api/state").json()["observations"]] == ["Orders on time"]
    assert other.get("/api/state").json()["observations"] == []
    assert observer.get("/api/state").json()["observations"] == []


def test_sessions_are_stored_hashed(served: Served) -> None:
    chief = served.client("chief")
    token = chief.cookies[sessions.COOKIE_NAME]
    conn = sqlite3.connect(served.db)
    stored = [r[0] for r in conn.execute("SELECT token_hash FROM sessions")]
    conn.close()
    assert token not in stored and sessions.token_hash(token) in stored
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)


def test_a_released_inject_put_on_hold_stays_in_view_with_its_new_status(served: Served) -> None:
    """Evaluators and observers saw the release; they see the hold (and a cancel) too, never the planned ones."""
    chief, evaluator, observer = served.client("chief"), served.client("ev-c2"), served.client("observer1")
    chief.post(f"/api/injects/{HICON_INJECT}/actions", json={"action": "release"})
    assert released_for(evaluator) == {HICON_INJECT}
    chief.post(f"/api/injects/{HICON_INJECT}/actions", json={"action": "hold"})
    chief.post(f"/api/injects/{RED_INJECT}/actions", json={"action": "hold"})  # held before any release
    for who in (evaluator, observer):
        shown = {i["id"]: i["status"] for i in who.get("/api/state").json()["injects"]}
        assert shown == {HICON_INJECT: "held"}, shown
        assert who.get(f"/api/injects/{RED_INJECT}").status_code == 404
    chief.post(f"/api/injects/{HICON_INJECT}/actions", json={"action": "cancel"})
    assert {i["id"]: i["status"] for i in evaluator.get("/api/state").json()["injects"]} == {HICON_INJECT: "cancelled"}
    # the live stream carries the hold of a released inject to them, and nothing of a never-released one
    ev = access.Actor("ev-c2", access.EVALUATOR, {"evaluator": "EV-C2", "objectives": ["TO-1"]})
    hold = {"seq": 9, "kind": "inject.hold", "subject": HICON_INJECT, "wall": "", "ex_time": 0.0, "actor": "chief",
            "role": access.CHIEF, "payload": {}}
    assert access.visible_event(ev, hold, {"id": HICON_INJECT, "status": "held", "released": True}) is not None
    assert access.visible_event(ev, hold, {"id": RED_INJECT, "status": "held", "released": False}) is None
