"""core: JSON pointers, did-you-mean hints, per-entity seeds and atomic directory staging."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exgen.core import pointer, staging
from exgen.core.seeding import entity_seed
from exgen.core.suggest import did_you_mean


@given(st.lists(st.one_of(st.text(), st.integers(min_value=0))))
def test_a_pointer_gives_back_the_path_it_was_made_from(path: list[str | int]) -> None:
    assert pointer.tokens(pointer.join(path)) == [str(p) for p in path]


def test_a_malformed_pointer_names_the_whole_document() -> None:
    assert pointer.tokens("units/0") == []


def test_hints_name_a_close_candidate_only() -> None:
    assert did_you_mean("ATTACK:T1566", []) == ""
    assert did_you_mean("T1566", ["T1565", "T0001"], prefix="ATTACK:") == " (did you mean 'ATTACK:T1565'?)"
    assert did_you_mean("completely-different", ["ME-1BN"]) == ""


def test_entity_seeds_depend_on_seed_kind_and_id_only() -> None:
    assert entity_seed(7, "unit", "ME-1BN") == entity_seed(7, "unit", "ME-1BN")
    assert len({entity_seed(7, "unit", "ME-1BN"), entity_seed(8, "unit", "ME-1BN"),
                entity_seed(7, "role_player", "ME-1BN"), entity_seed(7, "unit", "ME-2BN")}) == 4


def test_swap_replaces_the_old_directory_only_with_a_complete_new_one(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    tmp = staging.new_dir(target, "package")
    assert tmp.parent == tmp_path and tmp.name.startswith(".out.tmp-")
    (tmp / "new.txt").write_text("new")
    staging.swap(tmp, target)
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no temporary or old directory is left"


def test_a_failed_swap_puts_the_old_directory_back(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(OSError):
        staging.swap(tmp_path / "missing", target)
    assert (target / "old.txt").read_text() == "old"


def test_targets_that_are_not_ours_are_refused_unless_forced(tmp_path: Path) -> None:
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(staging.StagingError, match="is not a directory"):
        staging.check_target(afile, True, lambda p: True, "package")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("keep me")
    with pytest.raises(staging.StagingError, match="is not an exgen draft; use --force"):
        staging.check_target(theirs, False, lambda p: False, "draft")
    staging.check_target(theirs, True, lambda p: False, "draft")
    staging.check_target(theirs, False, lambda p: True, "draft")
    staging.check_target(tmp_path / "new", False, lambda p: False, "draft")
