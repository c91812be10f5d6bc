"""The fast paths of rendering give exactly what the slow paths gave (issue 23)."""

from __future__ import annotations

import random
from pathlib import Path

import jinja2
import pytest

from exgen.render import filters, stream
from exgen.render.environment import environment
from exgen.render.errors import RenderError
from exgen.render.outputs import OutputSpec
from exgen.render.sandbox import BoundedSandbox


def _fold_by_character(text: str) -> str:
    """RFC 5545 folding written the plain way, one character at a time (the reference)."""
    out = []
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        chunk, size, limit = "", 0, 75
        for char in line:
            n = len(char.encode("utf-8"))
            if size + n > limit:
                out.append(chunk)
                chunk, size = " ", 1
            chunk += char
            size += n
        out.append(chunk)
    return "".join(f"{line}\r\n" for line in out)


def test_ical_fold_matches_folding_by_character() -> None:
    rng = random.Random(23)
    alphabet = "abcXYZ ;,\\:é—€😀ß\r\n"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        assert filters.ical_fold(text) == _fold_by_character(text)


def test_ical_fold_never_cuts_a_character() -> None:
    folded = filters.ical_fold("DESCRIPTION:" + "é" * 100)
    lines = folded.split("\r\n")[:-1]
    assert len(lines) == 3 and all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert len(lines[0].encode("utf-8")) == 74  # 12 octets + 31 two-octet characters: a 32nd makes 76
    assert "".join(line[1:] if i else line for i, line in enumerate(lines)) == "DESCRIPTION:" + "é" * 100


def test_has_value() -> None:
    assert filters.has_value([{"nation": "HR"}, None, {"nation": "XK"}], "nation", "XK")
    assert not filters.has_value([{"nation": "HR"}, {"code": "XK"}], "nation", "XK")
    assert not filters.has_value([], "nation", "XK")


def _render(source: str, **values: object) -> str:
    return BoundedSandbox().from_string(source).render(**values)


def test_dict_keys_and_attributes_as_jinja_sees_them() -> None:
    item = {"title": "T", "items": "key, not the method"}
    assert _render("{{ d.title }}|{{ d.missing is defined }}|{{ d.items is callable }}", d=item) == "T|False|True"
    assert _render("{{ d.get('title') }}", d=item) == "T"


def test_unsafe_attributes_stay_refused_when_remembered() -> None:
    env = BoundedSandbox()
    for _ in range(2):  # the second answer comes from the memory
        with pytest.raises(jinja2.exceptions.SecurityError):
            env.from_string("{{ d.__class__.__subclasses__() }}").render(d={})
        with pytest.raises(jinja2.exceptions.SecurityError):
            env.from_string("{{ l.append(1) }}").render(l=[])


def test_rendered_blocks_join_to_the_whole_text(tmp_path: Path) -> None:
    (tmp_path / "big.txt.j2").write_text("{% for i in range(n) %}{{ i }},{% endfor %}", "utf-8")
    spec = OutputSpec(template="big.txt.j2", output="big.txt")
    blocks = list(stream.render_chunks(environment((tmp_path,)), spec, {"n": 40000}, None))
    assert len(blocks) > 1 and all(len(b) >= stream.BLOCK for b in blocks[:-1])
    assert "".join(blocks) == "".join(f"{i}," for i in range(40000))


def test_output_too_large_still_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "MAX_OUTPUT_BYTES", 100_000)
    (tmp_path / "big.txt.j2").write_text("{% for i in range(100000) %}xx{% endfor %}", "utf-8")
    spec = OutputSpec(template="big.txt.j2", output="big.txt")
    with pytest.raises(RenderError) as caught:
        "".join(stream.render_chunks(environment((tmp_path,)), spec, {}, None))
    assert caught.value.diagnostic.code == "template-output-too-large"
