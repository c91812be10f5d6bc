"""The diagnostic codes' names and descriptions, taken from docs/diagnostics.md for the SARIF report.

docs/ is not shipped in the wheel, so ``make docs`` writes what the SARIF rules need into
``exgen/data/diagnostic_codes.json``::

    python -m exgen.cli.codes docs/diagnostics.md > exgen/data/diagnostic_codes.json

tests/cli/test_sarif.py fails when that file is stale.
"""

from __future__ import annotations

import json
import re
import sys
import typing as t
from importlib import resources
from pathlib import Path

#: The data file in the package (``exgen/data/``).
DATA_FILE = "diagnostic_codes.json"

_HEADING = re.compile(r"^### ([a-z0-9-]+)\s*$")
_SEVERITY = re.compile(r"^Severity: \*\*(\w+)\*\*")
_TABLE_ROW = re.compile(r"^\| ((?:`[a-z0-9-]+`(?:, )?)+) \| (\w+) \| (.+?) \|\s*$")
_STOP = ("Bad:", "Fixed:", "```", "#", "|")


class Code(t.TypedDict):
    """What the SARIF report says about one code."""

    name: str
    severity: str
    short: str
    full: str


def pascal_name(code: str) -> str:
    """The SARIF "friendly name" of a code: ``unknown-reference`` -> ``UnknownReference``."""
    return "".join(part[:1].upper() + part[1:] for part in code.split("-"))


def plain(markdown: str) -> str:
    """Markdown prose as plain text: code spans, emphasis and links reduced to their words."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"\*\*|`", "", text)


def first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence (always ending with one)."""
    match = re.search(r"(?<![.\s][a-z])\.(\s|$)", text)
    sentence = text[: match.start()] if match else text.rstrip(".")
    return sentence.strip() + "."


def parse(markdown: str) -> dict[str, Code]:
    """Every code of the reference: ``### code`` sections and the rows of code tables."""
    codes: dict[str, Code] = {}
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading:
            codes[heading.group(1)] = _section(heading.group(1), lines[i + 1:])
            continue
        row = _TABLE_ROW.match(line)
        if row:
            meaning = plain(row.group(3)).strip()
            meaning = meaning[:1].upper() + meaning[1:] + ("" if meaning.endswith(".") else ".")
            for code in re.findall(r"`([a-z0-9-]+)`", row.group(1)):
                codes.setdefault(code, Code(name=pascal_name(code), severity=row.group(2), short=meaning,
                                            full=meaning))
    return dict(sorted(codes.items()))


def _section(code: str, rest: list[str]) -> Code:
    """A ``### code`` section: its severity line and the prose before the first example."""
    severity, prose = "", []
    for line in rest:
        if _HEADING.match(line) or line.startswith("## ") or line.startswith(_STOP):
            break
        sev = _SEVERITY.match(line)
        if sev:
            severity = sev.group(1)
        else:
            prose.append(line.strip())
    paragraphs = [p for p in " ".join(line or "\n" for line in prose).split("\n") if p.strip()]
    full = "\n\n".join(plain(p).strip() for p in paragraphs) or f"exgen diagnostic {code}."
    return Code(name=pascal_name(code), severity=severity, short=first_sentence(full.split("\n")[0]), full=full)


def load() -> dict[str, Code]:
    """The shipped table (``exgen/data/diagnostic_codes.json``)."""
    text = resources.files("exgen.data").joinpath(DATA_FILE).read_text("utf-8")
    codes: dict[str, Code] = json.loads(text)
    return codes


def dumps(codes: dict[str, Code]) -> str:
    """The data file's exact text."""
    return json.dumps(codes, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Print the data file for the reference named on the command line (default docs/diagnostics.md)."""
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0] if args else "docs/diagnostics.md")
    sys.stdout.write(dumps(parse(source.read_text("utf-8"))))


if __name__ == "__main__":
    main()
