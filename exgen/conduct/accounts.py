"""EXCON server accounts: the roster from the package, one-time passwords, Argon2id at rest.

``roster`` turns the exercise's control roster into accounts: ``exdir`` (exercise director),
``chief`` (chief controller), one per controller, evaluator and role player (user name = their id
in lower case) and ``observer1``…``observerN``. ``issue`` gives every one of them a fresh
one-time password (which must be changed at first sign-in), ends their sessions and deletes
accounts no longer on the roster. Only Argon2id hashes are stored.

Hashing parameters (:data:`TIME_COST`, :data:`MEMORY_COST`, :data:`PARALLELISM`): Argon2id with
3 passes over 32 MiB on one lane, about 100 ms per check on the two-core laptop exgen serve is
made for: above OWASP's minimum (19 MiB, 2 passes), slow enough to make guessing a stolen hash
expensive, fast enough for a control team signing in at once. At most :data:`CONCURRENT_HASHES`
checks run at a time, so a burst of sign-ins cannot take more than that many times 32 MiB.
Tests pass a cheaper :class:`argon2.PasswordHasher` through the ``hasher`` parameters.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import secrets
import sqlite3
import threading
import typing as t
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from exgen.conduct import ratelimit, sessions
from exgen.conduct.access import CHIEF, CONTROLLER, DIRECTOR, EVALUATOR, OBSERVER, ROLE_PLAYER, Actor

#: Argon2id passes over memory.
TIME_COST = 3
#: Argon2id memory, KiB (32 MiB).
MEMORY_COST = 32 * 1024
#: Argon2id lanes (one: the server runs other work on the second core).
PARALLELISM = 1
#: Password checks or hashes running at once, at most.
CONCURRENT_HASHES = 2
#: One-time password characters: letters and digits without look-alikes (0/O/o, 1/l/I).
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
#: Length of a one-time password (55 symbols: about 81 bits).
PASSWORD_LENGTH = 14
#: Shortest password a user may choose.
MIN_PASSWORD = 10
#: Longest password or user name accepted (longer is refused before any hashing).
MAX_PASSWORD = 256
MAX_USERNAME = 64
#: Most observer accounts issued at once.
MAX_OBSERVERS = 100

_HASHING = threading.BoundedSemaphore(CONCURRENT_HASHES)


class PasswordRefused(Exception):
    """A password change that cannot be made; the message says why in plain English."""


@dataclass(frozen=True)
class AccountSpec:
    """One account of the roster, before a password is issued."""

    username: str
    name: str
    role: str
    scope: dict[str, t.Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Issued:
    """An account with its new one-time password (printed once on the credentials sheet, never stored)."""

    username: str
    name: str
    role: str
    scope: dict[str, t.Any]
    password: str


@dataclass(frozen=True)
class Account:
    """A stored account (without its hash)."""

    username: str
    name: str
    role: str
    scope: dict[str, t.Any]
    must_change: bool
    issued_at: str

    def actor(self) -> Actor:
        """The account as the access rules see it."""
        return Actor(self.username, self.role, self.scope)


@dataclass(frozen=True)
class Login:
    """The outcome of a sign-in: the account, or None with the seconds to wait when rate-limited (else 0)."""

    account: Account | None
    retry_after: int = 0


def hasher(time_cost: int = TIME_COST, memory_cost: int = MEMORY_COST,
           parallelism: int = PARALLELISM) -> PasswordHasher:
    """An Argon2id password hasher (the defaults are the server's; tests pass cheaper ones)."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


@functools.cache
def _default_hasher() -> PasswordHasher:
    return hasher()


@functools.cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    """A hash to check unknown user names against, so they take as long as known ones."""
    return hasher(time_cost, memory_cost, parallelism).hash(secrets.token_urlsafe(16))


def new_password(length: int = PASSWORD_LENGTH) -> str:
    """A random one-time password from :data:`ALPHABET`."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _user_id(raw: t.Any) -> str:
    """A user name from a roster id: lower case, anything but letters, digits, ``.``, ``_``, ``-`` as ``-``."""
    return re.sub(r"[^a-z0-9._-]", "-", str(raw).strip().lower())[:MAX_USERNAME] or "user"


def _entries(exercise: t.Mapping[str, t.Any], key: str) -> list[t.Mapping[str, t.Any]]:
    """The roster entries under ``key`` that have an id."""
    items = exercise.get(key)
    if not isinstance(items, list):
        return []
    return [e for e in items if isinstance(e, t.Mapping) and isinstance(e.get("id"), str) and e["id"]]


def _ids_where(entries: list[t.Mapping[str, t.Any]], key: str, value: t.Any) -> list[str]:
    return [str(e["id"]) for e in entries if e.get(key) == value]


def roster(exercise: t.Mapping[str, t.Any], observers: int = 2) -> list[AccountSpec]:
    """Every account the exercise's control roster calls for, in a stable order."""
    if not 0 <= observers <= MAX_OBSERVERS:
        raise ValueError(f"the number of observer accounts must be between 0 and {MAX_OBSERVERS}, not {observers}")
    controllers = _entries(exercise, "controllers")
    players = _entries(exercise, "role_players")
    specs = [AccountSpec("exdir", "Exercise director", DIRECTOR), AccountSpec("chief", "Chief controller", CHIEF)]
    for c in controllers:
        cell = c.get("cell")
        scope = {"cell": cell, "controller": c["id"], "controllers": _ids_where(controllers, "cell", cell),
                 "role_players": _ids_where(players, "cell", cell)}
        specs.append(AccountSpec(_user_id(c["id"]), str(c.get("name") or c["id"]), CONTROLLER, scope))
    for e in _entries(exercise, "evaluators"):
        objectives = [o for o in e.get("objectives") or [] if isinstance(o, str)]
        specs.append(AccountSpec(_user_id(e["id"]), str(e.get("name") or e["id"]), EVALUATOR,
                                 {"evaluator": e["id"], "objectives": objectives}))
    for p in players:
        specs.append(AccountSpec(_user_id(p["id"]), str(p.get("name") or p["id"]), ROLE_PLAYER,
                                 {"role_player": p["id"], "cell": p.get("cell")}))
    specs += [AccountSpec(f"observer{n}", f"Observer {n}", OBSERVER) for n in range(1, observers + 1)]
    return _unique(specs)


def _unique(specs: list[AccountSpec]) -> list[AccountSpec]:
    """The specs with user names made unique (a later clash gets ``-2``, ``-3``…)."""
    taken: set[str] = set()
    out = []
    for spec in specs:
        name, n = spec.username, 1
        while name in taken:
            n += 1
            name = f"{spec.username}-{n}"
        taken.add(name)
        out.append(spec if name == spec.username else AccountSpec(name, spec.name, spec.role, spec.scope))
    return out


def _now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def issue(conn: sqlite3.Connection, exercise: t.Mapping[str, t.Any], observers: int = 2, *,
          hasher: PasswordHasher | None = None) -> list[Issued]:
    """(Re)issue every roster account with a fresh one-time password, in one transaction.

    Ends the sessions of every re-issued user and deletes accounts (and sessions) not on the roster.
    """
    ph = hasher or _default_hasher()
    specs = roster(exercise, observers)
    issued = [Issued(s.username, s.name, s.role, s.scope, new_password()) for s in specs]
    with _HASHING:
        hashes = [ph.hash(i.password) for i in issued]
    at = _now_iso()
    with sessions.transaction(conn):
        names = [i.username for i in issued]
        marks = ",".join("?" * len(names))
        conn.execute(f"DELETE FROM sessions WHERE username NOT IN ({marks})", names)
        conn.execute(f"DELETE FROM accounts WHERE username NOT IN ({marks})", names)
        for item, pw_hash in zip(issued, hashes, strict=True):
            conn.execute(
                "INSERT OR REPLACE INTO accounts (username, role, scope, name, pw_hash, must_change, issued_at) "
                "VALUES (?, ?, ?, ?, ?, 1, ?)",
                (item.username, item.role, json.dumps(item.scope, sort_keys=True), item.name, pw_hash, at))
            conn.execute("DELETE FROM sessions WHERE username = ?", (item.username,))
    return issued


def _normal(username: str) -> str:
    return username.strip().casefold()


def _row(conn: sqlite3.Connection, username: str) -> tuple[Account, str] | None:
    """The account and its hash, or None."""
    row = conn.execute("SELECT username, name, role, scope, must_change, issued_at, pw_hash FROM accounts "
                       "WHERE username = ?", (username,)).fetchone()
    if row is None:
        return None
    try:
        scope = json.loads(row[3] or "{}")
    except ValueError:
        scope = {}
    account = Account(str(row[0]), str(row[1] or row[0]), str(row[2]), scope if isinstance(scope, dict) else {},
                      bool(row[4]), str(row[5] or ""))
    return account, str(row[6] or "")


def account(conn: sqlite3.Connection, username: str) -> Account | None:
    """The stored account of ``username`` (as a session names it), or None."""
    found = _row(conn, username)
    return found[0] if found else None


def _matches(ph: PasswordHasher, pw_hash: str, password: str) -> bool:
    with _HASHING:
        try:
            return ph.verify(pw_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def _acceptable(username: str, password: str) -> bool:
    return bool(username) and 0 < len(password) <= MAX_PASSWORD and len(username) <= MAX_USERNAME


def verify(conn: sqlite3.Connection, username: str, password: str, *,
           hasher: PasswordHasher | None = None) -> Account | None:
    """The account whose user name and password these are, or None.

    An unknown user name costs a check against a dummy hash, so timing does not tell which
    names exist. A hash made with older parameters is replaced after a successful check.
    """
    ph = hasher or _default_hasher()
    name = _normal(username)
    if not _acceptable(name, password):
        return None
    found = _row(conn, name)
    if found is None:
        _matches(ph, _dummy_hash(ph.time_cost, ph.memory_cost, ph.parallelism), password)
        return None
    acct, pw_hash = found
    if not _matches(ph, pw_hash, password):
        return None
    if ph.check_needs_rehash(pw_hash):
        with _HASHING:
            fresh = ph.hash(password)
        with sessions.transaction(conn):
            conn.execute("UPDATE accounts SET pw_hash = ? WHERE username = ?", (fresh, acct.username))
    return acct


def login(conn: sqlite3.Connection, username: str, password: str, address: str | None, *,
          hasher: PasswordHasher | None = None, now: float | None = None) -> Login:
    """A sign-in with rate limiting (:mod:`exgen.conduct.ratelimit`): the password is not even
    checked while the user name or the address must wait."""
    wait = ratelimit.retry_after(conn, username, address, now=now)
    if wait > 0:
        return Login(None, wait)
    acct = verify(conn, username, password, hasher=hasher)
    if acct is None:
        ratelimit.failed(conn, username, address, now=now)
        return Login(None)
    ratelimit.succeeded(conn, acct.username)
    return Login(acct)


def change_password(conn: sqlite3.Connection, username: str, old: str, new: str, *,
                    hasher: PasswordHasher | None = None, keep: str | None = None) -> None:
    """Replace ``username``'s password (clearing "must change") and end their other sessions.

    ``keep`` is the hash of the session to keep (the one making the change). Raises
    :class:`PasswordRefused` when the current password is wrong or the new one is too short,
    too long, the same as the current one or the user name.
    """
    if len(new) < MIN_PASSWORD:
        raise PasswordRefused(f"The new password must have at least {MIN_PASSWORD} characters.")
    if len(new) > MAX_PASSWORD:
        raise PasswordRefused(f"The new password must have at most {MAX_PASSWORD} characters.")
    if new == old:
        raise PasswordRefused("The new password must differ from the current one.")
    if _normal(new) == _normal(username):
        raise PasswordRefused("The new password must not be your user name.")
    ph = hasher or _default_hasher()
    acct = verify(conn, username, old, hasher=ph)
    if acct is None:
        raise PasswordRefused("The current password is wrong.")
    with _HASHING:
        fresh = ph.hash(new)
    with sessions.transaction(conn):
        conn.execute("UPDATE accounts SET pw_hash = ?, must_change = 0 WHERE username = ?", (fresh, acct.username))
        sessions.revoke_user(conn, acct.username, keep=keep)
