"""EXCON accounts: the roster from the package, one-time passwords and Argon2id hashes at rest."""

from __future__ import annotations

import sqlite3
import time
import typing as t
from pathlib import Path

import pytest
import yaml
from argon2 import PasswordHasher

from exgen.conduct import accounts, sessions, store
from exgen.conduct.access import Actor

FLAGSHIP_EXCON = Path(__file__).resolve().parents[2] / "scenarios" / "adriatic-shield" / "excon.yaml"


def _flagship() -> dict[str, t.Any]:
    excon = yaml.safe_load(FLAGSHIP_EXCON.read_text("utf-8"))["excon"]
    return {"id": "ADRIATIC-SHIELD-27", "name": "Adriatic Shield 27", "classification": "NATO UNCLASSIFIED",
            "marking": "EXERCISE EXERCISE EXERCISE", "cells": excon["cells"], "controllers": excon["controllers"],
            "evaluators": excon["evaluators"], "role_players": excon["role_players"]}


class Counting(PasswordHasher):
    """A cheap hasher that counts the checks it makes."""

    def __init__(self, time_cost: int = 1, memory_cost: int = 8) -> None:
        super().__init__(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)
        self.checks = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> t.Literal[True]:
        self.checks += 1
        return super().verify(hash, password)


@pytest.fixture
def db(tmp_path: Path) -> t.Iterator[sqlite3.Connection]:
    conn = store.open_db(tmp_path / "record.sqlite", "ADRIATIC-SHIELD-27")
    yield conn
    conn.close()


def test_the_roster_follows_the_excon_roster() -> None:
    exercise = _flagship()
    specs = accounts.roster(exercise, observers=3)
    names = [s.username for s in specs]
    assert len(names) == len(set(names))
    assert names[:2] == ["exdir", "chief"] and names[-3:] == ["observer1", "observer2", "observer3"]
    expected = ([c["id"].lower() for c in exercise["controllers"]] + [e["id"].lower() for e in exercise["evaluators"]]
                + [p["id"].lower() for p in exercise["role_players"]])
    assert names[2:-3] == expected
    by_name = {s.username: s for s in specs}
    locon = by_name["ctrl-locon-n"]
    assert locon.role == "controller"
    assert locon.scope["cell"] == "LOCON" and locon.scope["controller"] == "CTRL-LOCON-N"
    assert set(locon.scope["controllers"]) == {c["id"] for c in exercise["controllers"] if c["cell"] == "LOCON"}
    white = by_name["ctrl-white"]
    assert set(white.scope["role_players"]) == {p["id"] for p in exercise["role_players"] if p["cell"] == "WHITE-CELL"}
    assert "RP-JOURNALIST" in white.scope["role_players"]
    ev = by_name["ev-c2"]
    assert ev.role == "evaluator" and ev.scope == {"evaluator": "EV-C2", "objectives": ["TO-1", "TO-2"]}
    rp = by_name["rp-journalist"]
    assert rp.role == "role-player" and rp.scope["role_player"] == "RP-JOURNALIST" and rp.name == "Ilvana Zanetić"
    assert by_name["observer2"].role == "observer" and by_name["chief"].role == "chief-controller"


def test_clashing_and_odd_ids_still_give_unique_user_names() -> None:
    exercise = {"controllers": [{"id": "EXDIR", "cell": "A", "name": "Odd"}, {"id": "Ctl One/<x>", "cell": "A"}],
                "evaluators": [{"id": "exdir", "objectives": ["TO-1", 3]}, {"name": "no id"}, "junk"],
                "role_players": None}
    names = [s.username for s in accounts.roster(exercise, observers=0)]
    assert names == ["exdir", "chief", "exdir-2", "ctl-one--x-", "exdir-3"]
    assert accounts.roster(exercise, 0)[4].scope["objectives"] == ["TO-1"]


@pytest.mark.parametrize("observers", [-1, accounts.MAX_OBSERVERS + 1])
def test_observer_count_is_bounded(observers: int) -> None:
    with pytest.raises(ValueError, match="observer accounts"):
        accounts.roster({}, observers)


def test_one_time_passwords_are_long_unambiguous_and_random() -> None:
    for look_alike in "0O1lI":
        assert look_alike not in accounts.ALPHABET
    passwords = [accounts.new_password() for _ in range(500)]
    assert len(set(passwords)) == 500
    assert all(len(p) >= 12 and set(p) <= set(accounts.ALPHABET) for p in passwords)
    assert set("".join(passwords)) == set(accounts.ALPHABET)


def test_issue_stores_argon2id_hashes_and_every_password_signs_in_once(db: sqlite3.Connection) -> None:
    ph = Counting()
    issued = accounts.issue(db, _flagship(), hasher=ph)
    rows = {r[0]: r[1:] for r in db.execute("SELECT username, pw_hash, must_change, role FROM accounts")}
    assert set(rows) == {i.username for i in issued}
    for item in issued:
        pw_hash, must_change, role = rows[item.username]
        assert pw_hash.startswith("$argon2id$") and item.password not in pw_hash
        assert must_change == 1 and role == item.role
    dump = "\n".join(db.iterdump())
    assert not any(i.password in dump for i in issued)
    item = next(i for i in issued if i.username == "ctrl-hicon")
    found = accounts.verify(db, " CTRL-HICON ", item.password, hasher=ph)
    assert found is not None and found.username == "ctrl-hicon" and found.must_change
    assert found.actor() == Actor("ctrl-hicon", "controller", found.scope) and found.scope["cell"] == "HICON"
    assert accounts.verify(db, "ctrl-hicon", item.password + "x", hasher=ph) is None
    assert accounts.verify(db, "ctrl-white", item.password, hasher=ph) is None
    assert accounts.account(db, "ctrl-hicon") == found


def test_reissuing_replaces_passwords_ends_sessions_and_drops_old_accounts(db: sqlite3.Connection) -> None:
    ph = Counting()
    first = {i.username: i.password for i in accounts.issue(db, _flagship(), observers=4, hasher=ph)}
    token, _ = sessions.create(db, "observer4")
    kept, _ = sessions.create(db, "exdir")
    second = {i.username: i.password for i in accounts.issue(db, _flagship(), observers=2, hasher=ph)}
    assert "observer4" not in second and accounts.account(db, "observer4") is None
    assert sessions.lookup(db, token) is None and sessions.lookup(db, kept) is None
    assert accounts.verify(db, "observer4", first["observer4"], hasher=ph) is None
    assert accounts.verify(db, "exdir", first["exdir"], hasher=ph) is None
    assert accounts.verify(db, "exdir", second["exdir"], hasher=ph) is not None


def test_unknown_users_cost_a_check_too_and_oversized_input_costs_none(db: sqlite3.Connection) -> None:
    ph = Counting()
    accounts.issue(db, {"id": "X"}, observers=0, hasher=ph)
    ph.checks = 0
    assert accounts.verify(db, "nobody", "some password", hasher=ph) is None
    assert ph.checks == 1
    assert accounts.verify(db, "exdir", "p" * (accounts.MAX_PASSWORD + 1), hasher=ph) is None
    assert accounts.verify(db, "x" * 10_000, "some password", hasher=ph) is None
    assert accounts.verify(db, "exdir", "", hasher=ph) is None
    assert accounts.verify(db, "", "some password", hasher=ph) is None
    assert ph.checks == 1


def test_a_hash_with_old_parameters_is_replaced_after_a_good_check(db: sqlite3.Connection) -> None:
    old = Counting(time_cost=1, memory_cost=8)
    issued = accounts.issue(db, {"id": "X"}, observers=0, hasher=old)
    newer = Counting(time_cost=2, memory_cost=16)
    assert accounts.verify(db, "chief", issued[1].password, hasher=newer) is not None
    pw_hash = db.execute("SELECT pw_hash FROM accounts WHERE username = 'chief'").fetchone()[0]
    assert "m=16,t=2" in pw_hash
    assert accounts.verify(db, "chief", issued[1].password, hasher=newer) is not None


def test_change_password(db: sqlite3.Connection) -> None:
    ph = Counting()
    issued = {i.username: i.password for i in accounts.issue(db, {"id": "X"}, observers=0, hasher=ph)}
    old = issued["chief"]
    mine, _ = sessions.create(db, "chief")
    other, _ = sessions.create(db, "chief")
    refusals = [("wrong old password", "long enough new one", "current password is wrong"),
                (old, "short", "at least 10"),
                (old, "x" * (accounts.MAX_PASSWORD + 1), "at most"),
                (old, old, "differ"),
                (old, "Chief", "at least 10")]
    for given, new, message in refusals:
        with pytest.raises(accounts.PasswordRefused, match=message):
            accounts.change_password(db, "chief", given, new, hasher=ph)
    with pytest.raises(accounts.PasswordRefused, match="user name"):
        accounts.change_password(db, "observer-chief", "x", "Observer-Chief", hasher=ph)
    assert sessions.lookup(db, other) is not None
    accounts.change_password(db, "chief", old, "a new pass phrase", hasher=ph, keep=sessions.token_hash(mine))
    assert accounts.verify(db, "chief", old, hasher=ph) is None
    found = accounts.verify(db, "chief", "a new pass phrase", hasher=ph)
    assert found is not None and not found.must_change
    assert sessions.lookup(db, mine) is not None and sessions.lookup(db, other) is None


def test_the_servers_own_parameters() -> None:
    ph = accounts.hasher()
    assert (ph.time_cost, ph.memory_cost, ph.parallelism) == (accounts.TIME_COST, accounts.MEMORY_COST, 1)
    assert accounts.MEMORY_COST >= 19 * 1024
    pw_hash = ph.hash("correct horse battery")
    assert pw_hash.startswith("$argon2id$")
    start = time.perf_counter()
    assert ph.verify(pw_hash, "correct horse battery")
    assert time.perf_counter() - start >= 0.03
