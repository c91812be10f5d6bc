"""The EXCON server's JSON API over HTTP: a real built package, a real SQLite record, the real sign-in flow."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from exgen.conduct import web
from tests.conduct.served import NEW_PASSWORD, Served


@pytest.fixture
def served(flagship_package: Path, tmp_path: Path) -> t.Iterator[Served]:
    found = Served(flagship_package, tmp_path / "conduct.sqlite")
    yield found
    found.close()


def act(client: t.Any, inject: str, action: str, **body: t.Any) -> t.Any:
    return client.post(f"/api/injects/{inject}/actions", json={"action": action, **body})


def test_me_tells_the_user_role_csrf_and_what_they_may_do(served: Served) -> None:
    director, observer = served.client("exdir"), served.client("observer1")
    me = director.get("/api/me").json()
    assert me["ok"] and me["user"] == "exdir" and me["role"] == "director" and me["csrf"]
    assert me["exercise"]["id"] == "ADRIATIC-SHIELD-27" and me["exercise"]["banner"].startswith("NATO UNCLASSIFIED")
    assert all(me["can"].values())
    seen = observer.get("/api/me").json()
    assert seen["role"] == "observer" and not any(seen["can"].values())
    assert seen["csrf"] != me["csrf"]


def test_state_gives_the_plan_and_every_inject_to_the_director(served: Served) -> None:
    state = served.client("exdir").get("/api/state").json()
    planned = [i["id"] for i in served.exercise["injects"]]
    assert sorted(i["id"] for i in state["injects"]) == sorted(planned)
    assert {i["status"] for i in state["injects"]} == {"planned"}
    assert state["seq"] == 0 and state["clock"]["running"] is False and state["evaluation_closed"] is False
    assert [o["id"] for o in state["objectives"]] == [o["id"] for o in served.exercise["objectives"]]
    assert state["pace"] == served.exercise["pace"] and state["nets"] == served.exercise["nets"]


def test_an_action_changes_the_inject_and_is_one_event(served: Served) -> None:
    chief = served.client("chief")
    answer = act(chief, "INJ-001", "release", version=0, key="r1")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["inject"]["status"] == "released" and body["inject"]["version"] == 1
    [event] = served.events("inject.release")
    assert (event["seq"], event["actor"], event["role"], event["subject"]) == (body["seq"], "chief",
                                                                               "chief-controller", "INJ-001")
    state = chief.get("/api/state").json()
    assert state["seq"] == body["seq"]
    assert next(i for i in state["injects"] if i["id"] == "INJ-001")["status"] == "released"


def test_two_controllers_with_the_same_version_second_gets_409_with_the_current_inject(served: Served) -> None:
    first, second = served.client("ctrl-hicon"), served.client("chief")
    seen = [i for i in second.get("/api/state").json()["injects"] if i["id"] == "INJ-001"][0]
    assert act(first, "INJ-001", "release", version=seen["version"], key="a").status_code == 200
    late = act(second, "INJ-001", "hold", version=seen["version"], key="b")
    assert late.status_code == 409
    body = late.json()
    assert body["error"] == "conflict" and body["inject"]["status"] == "released"
    assert body["inject"]["version"] == seen["version"] + 1
    assert len(served.events("inject.hold")) == 0


def test_the_same_idempotency_key_twice_is_one_event(served: Served) -> None:
    chief = served.client("chief")
    one = act(chief, "INJ-002", "annotate", text="Call the duty officer first", key="same")
    two = act(chief, "INJ-002", "annotate", text="Call the duty officer first", key="same")
    assert one.status_code == two.status_code == 200
    assert one.json()["seq"] == two.json()["seq"] and two.json()["replay"] is True
    assert len(served.events("inject.annotate")) == 1
    notes = two.json()["inject"]["notes"]
    assert [n["text"] for n in notes].count("Call the duty officer first") == 1


def test_keys_of_two_users_never_meet(served: Served) -> None:
    a, b = served.client("chief"), served.client("exdir")
    assert act(a, "INJ-002", "annotate", text="one", key="k").status_code == 200
    assert act(b, "INJ-002", "annotate", text="two", key="k").status_code == 200
    assert [e["actor"] for e in served.events("inject.annotate")] == ["chief", "exdir"]


def test_refused_transitions_unknown_injects_and_actions(served: Served) -> None:
    chief = served.client("chief")
    refused = act(chief, "INJ-003", "deliver", version=0)
    assert refused.status_code == 422 and refused.json()["error"] == "not-allowed"
    assert "planned" in refused.json()["message"]
    assert act(chief, "INJ-999", "release").status_code == 404
    assert act(chief, "INJ-003", "explode").json()["error"] == "unknown-action"
    assert served.events() == []


def test_retime_takes_a_d_time_and_response_is_kept(served: Served) -> None:
    chief = served.client("chief")
    moved = act(chief, "INJ-004", "retime", time="D+1 07:30", key="t")
    assert moved.status_code == 200 and moved.json()["inject"]["time"] == 1530
    assert moved.json()["inject"]["planned_time"] == served.exercise["injects"][3]["time"]
    bad = act(chief, "INJ-004", "retime", time="tomorrow")
    assert bad.status_code == 422 and bad.json()["error"] == "bad-time"
    said = act(chief, "INJ-004", "response", text="MNB HQ asked for a repeat")
    assert [r["text"] for r in said.json()["inject"]["responses"]] == ["MNB HQ asked for a repeat"]


def test_clock_only_for_the_director(served: Served) -> None:
    director, chief = served.client("exdir"), served.client("chief")
    started = director.post("/api/clock", json={"action": "start", "key": "s"})
    assert started.status_code == 200 and started.json()["clock"]["running"] is True
    jumped = director.post("/api/clock", json={"action": "jump", "ex_time": "D+1 06:00"})
    assert jumped.json()["clock"]["anchor_ex"] == 1440
    fast = director.post("/api/clock", json={"action": "speed", "speed": 500})
    assert fast.status_code == 422 and fast.json()["error"] == "out-of-range"
    assert chief.post("/api/clock", json={"action": "pause"}).status_code == 403
    assert [e["kind"] for e in served.events()] == ["clock.start", "clock.jump"]


def test_comms_events_reach_exercise_control_only(served: Served) -> None:
    controller, evaluator = served.client("ctrl-ew"), served.client("ev-c2")
    logged = controller.post("/api/comms", json={"net": "BDE-CMD-HF", "state": "down", "level": "contingency",
                                                 "units": ["MNB-HQ"], "text": "Jammed", "key": "c"})
    assert logged.status_code == 200 and logged.json()["comms"]["subject"] == "BDE-CMD-HF"
    assert [c["text"] for c in controller.get("/api/state").json()["comms"]] == ["Jammed"]
    assert evaluator.get("/api/state").json()["comms"] == []
    assert evaluator.post("/api/comms", json={"net": "BDE-CMD-HF", "state": "up"}).status_code == 403
    unknown = controller.post("/api/comms", json={"net": "NO-SUCH-NET", "state": "up"})
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown-net"


def test_observations_by_their_author_until_evaluation_closes(served: Served) -> None:
    author, other, director = served.client("ev-c2"), served.client("ev-cip"), served.client("exdir")
    task = served.exercise["objectives"][0]["critical_tasks"][0]
    added = author.post("/api/observations", json={"objective": "TO-1", "task": task, "text": "JAMREP late",
                                                   "rating": "M", "ex_time": "D+0 09:00", "key": "o1"})
    assert added.status_code == 201, added.text
    obs = added.json()["observation"]
    assert (obs["author"], obs["ex_time"], obs["rating"]) == ("ev-c2", 180, "M")
    assert author.post("/api/observations", json={"objective": "TO-3", "text": "x", "rating": ""}).status_code == 403
    edited = author.put(f"/api/observations/{obs['id']}", json={"text": "JAMREP 40 min late", "rating": "U",
                                                               "version": obs["version"]})
    assert edited.status_code == 200 and edited.json()["observation"]["version"] == obs["version"] + 1
    stale = author.put(f"/api/observations/{obs['id']}", json={"text": "again", "rating": "S",
                                                              "version": obs["version"]})
    assert stale.status_code == 409 and stale.json()["observation"]["text"] == "JAMREP 40 min late"
    assert other.put(f"/api/observations/{obs['id']}", json={"text": "mine", "rating": "P",
                                                            "version": obs["version"] + 1}).status_code == 404
    assert director.put(f"/api/observations/{obs['id']}", json={"text": "mine", "rating": "P",
                                                               "version": obs["version"] + 1}).status_code == 403
    assert author.post("/api/evaluation/close", json={}).status_code == 403
    assert director.post("/api/evaluation/close", json={"key": "close"}).status_code == 200
    closed = author.put(f"/api/observations/{obs['id']}", json={"text": "late", "rating": "U",
                                                               "version": obs["version"] + 1})
    assert closed.status_code == 422 and closed.json()["error"] == "evaluation-closed"
    assert author.get("/api/state").json()["evaluation_closed"] is True


def test_bodies_that_are_not_json_objects_or_too_large_are_refused(served: Served) -> None:
    chief = served.client("chief")
    url = "/api/injects/INJ-001/actions"
    assert chief.post(url, content=b"{", headers={"Content-Type": "application/json"}).status_code == 400
    assert chief.post(url, content=b"[1]", headers={"Content-Type": "application/json"}).status_code == 400
    assert chief.post(url, content=b'{"x": NaN}', headers={"Content-Type": "application/json"}).status_code == 400
    assert chief.post(url, data={"action": "release"}).status_code == 415
    huge = b'{"action": "annotate", "text": "' + b"x" * (web.JSON_LIMIT + 1) + b'"}'
    deep = b'{"action": "annotate", "text": ' + b"[" * 900 + b"]" * 900 + b"}"
    assert chief.post(url, content=deep, headers={"Content-Type": "application/json"}).status_code == 400
    deeper = b'{"inject": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    assert chief.post("/api/injects", content=deeper, headers={"Content-Type": "application/json"}).status_code == 400
    assert chief.post(url, content=huge, headers={"Content-Type": "application/json"}).status_code == 413
    assert served.events() == []


def test_every_response_carries_the_security_headers(served: Served) -> None:
    anonymous, chief = served.anonymous(), served.client("chief")
    for answer in (anonymous.get("/login"), anonymous.get("/api/state"), anonymous.get("/"), chief.get("/"),
                   chief.get("/password"),
                   chief.get("/api/state"), chief.get("/static/app.js"), anonymous.get("/nowhere")):
        for name, value in web.SECURITY_HEADERS.items():
            if name == "content-security-policy" and answer.url.path in ("/login", "/password"):
                # The pages shown before the app may be reached carry their style sheet inline: their
                # policy allows exactly that text, by its hash, and still no script or other style.
                policy = answer.headers.get(name, "")
                assert policy.startswith("default-src 'self'; style-src 'sha256-"), policy
                assert "frame-ancestors 'none'" in policy and "unsafe" not in policy
                continue
            assert answer.headers.get(name) == value, (answer.url, name)


def test_pages_and_static_files(served: Served) -> None:
    chief = served.client("chief")
    page = chief.get("/")
    assert page.status_code == 200 and "Adriatic Shield 2027" in page.text and "<script" not in page.text.replace(
        '<script src="/static/app.js" defer></script>', "")
    assert chief.get("/static/app.css").headers["content-type"].startswith("text/css")
    for name in ("../app.html.j2", "..%2Fapp.html.j2", "app.html.j2", "missing.js", ".hidden.js"):
        assert chief.get(f"/static/{name}").status_code == 404, name


def test_sign_out_ends_the_session(served: Served) -> None:
    chief = served.client("chief")
    assert chief.post("/logout").status_code == 303
    assert chief.get("/api/state").status_code == 401


def test_a_one_time_password_must_be_changed_before_anything_else(served: Served) -> None:
    client = served.anonymous()
    user, password = "ctrl-red", served.passwords["ctrl-red"]
    signed = client.post("/login", data={"username": user, "password": password})
    assert signed.status_code == 303 and signed.headers["location"] == "/password"
    assert client.get("/api/state").json()["error"] == "password-change-required"
    assert client.get("/").headers["location"] == "/password"
    page = client.get("/password")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    wrong = client.post("/password", data={"old": "not it at all", "new": NEW_PASSWORD, "csrf": csrf})
    assert wrong.status_code == 400 and "current password is wrong" in wrong.text
    short = client.post("/password", data={"old": password, "new": "short", "csrf": csrf})
    assert short.status_code == 400 and "at least 10" in short.text
    differ = client.post("/password", data={"old": password, "new": NEW_PASSWORD, "repeat": "other", "csrf": csrf})
    assert differ.status_code == 400
    done = client.post("/password", data={"old": password, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD, "csrf": csrf})
    assert done.status_code == 303 and client.get("/api/state").status_code == 200
    again = served.anonymous().post("/login", data={"username": user, "password": NEW_PASSWORD})
    assert again.status_code == 303 and again.headers["location"] == "/"
