"""exgen.core.forked: a forked helper computing one value; the parent's fallback on any failure."""

from __future__ import annotations

import os
import time

import pytest

from exgen.core import forked
from tests.conftest import process_gone


def test_the_helper_result_comes_back_from_the_helper() -> None:
    parent = os.getpid()
    helper = forked.Helper(lambda: ("child" if os.getpid() != parent else "here", [1, 2]))
    assert helper.result(fallback=lambda: ("fallback", [])) == ("child", [1, 2])
    assert process_gone(helper.pid)  # reaped


def test_a_large_result_comes_back_whole() -> None:
    helper = forked.Helper(lambda: {"k": b"x" * (5 << 20)})  # larger than a pipe's buffer
    assert helper.result(fallback=dict) == {"k": b"x" * (5 << 20)}


def test_a_helper_that_dies_is_replaced_by_the_fallback() -> None:
    parent = os.getpid()

    def work() -> str:
        if os.getpid() != parent:
            os._exit(3)
        return "done here"

    assert forked.Helper(work).result(fallback=work) == "done here"


def test_a_failure_in_the_helper_is_raised_here_when_the_fallback_does_the_same_work() -> None:
    def work() -> int:
        raise ValueError("the same error either way")

    with pytest.raises(ValueError, match="the same error either way"):
        forked.Helper(work).result(fallback=work)


def test_a_helper_that_hangs_is_killed_after_the_wait() -> None:
    helper = forked.Helper(lambda: time.sleep(60))
    start = time.monotonic()
    assert helper.result(fallback=lambda: "gave up", wait=0.3) == "gave up"
    assert time.monotonic() - start < 10 and process_gone(helper.pid)


def test_stopping_kills_and_reaps_the_helper() -> None:
    helper = forked.Helper(lambda: time.sleep(60))
    helper.stop()
    assert process_gone(helper.pid)


def test_stopping_after_the_result_kills_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    helper = forked.Helper(lambda: 1)
    assert helper.result(fallback=lambda: 0) == 1
    killed: list[int] = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: killed.append(pid))
    helper.stop()  # its process id may belong to another process by now
    assert killed == []
