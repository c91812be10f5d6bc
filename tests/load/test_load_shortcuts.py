"""The loader's shortcuts: the collector paused while trees are built, and what it tells the checks."""

from __future__ import annotations

import gc
from pathlib import Path

from exgen import load
from exgen.core.collector import paused_gc


def test_what_was_built_while_paused_is_not_walked_at_once() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        tree = [{"k": [i]} for i in range(1000)]
    assert gc.isenabled()
    young = {id(o) for o in gc.get_objects(0)} | {id(o) for o in gc.get_objects(1)}
    assert not any(id(node) in young for node in tree[:50])
    assert any(node is tree[0] for node in gc.get_objects(2))


def test_objects_frozen_before_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc():
            _ = [{} for _ in range(100)]
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_paused_inside_a_pause_leaves_the_collector_off() -> None:
    with paused_gc():
        with paused_gc():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def _definition(folder: Path, included: str) -> str:
    (folder / "part.yaml").write_text(included, "utf-8")
    root = folder / "root.yaml"
    root.write_text("exgen: 1\ninclude: [part.yaml]\nexercise: {id: X}\n", "utf-8")
    return str(root)


def test_a_merged_document_is_clean_only_when_every_file_is(tmp_path: Path) -> None:
    doc, _ = load.load(_definition(tmp_path, "units: [{id: A, name: plain}]\n"))
    assert doc is not None and doc.clean
    doc, _ = load.load(_definition(tmp_path, 'units: [{id: A, name: "\\e[31m"}]\n'))
    assert doc is not None and not doc.clean
    doc, _ = load.load(_definition(tmp_path, "units: [{id: A, size: .inf}]\n"))
    assert doc is not None and not doc.clean
