"""Accepted findings: documented gaps become information; errors and stale entries do not hide."""

from __future__ import annotations

from pathlib import Path

from exgen import pipeline
from tests.conftest import FLAGSHIP, plant


def codes(result: pipeline.Checked, severity: str) -> list[str]:
    return [d.code for d in result.diagnostics if str(d.severity) == severity]


def test_flagship_gap_is_accepted_with_reason() -> None:
    result = pipeline.check(str(FLAGSHIP), strict=True)
    assert result.ok
    accepted = [d for d in result.diagnostics if "accepted:" in d.message]
    assert {d.code for d in accepted} == {"comms-incompatible", "pace-degraded"}
    assert all(str(d.severity) == "info" for d in accepted)


def test_removing_the_acceptance_brings_the_warning_back(flagship_copy: Path) -> None:
    plant(flagship_copy, "ids: [BDE-LOG-VHF, BG-ENGCOY]", "ids: [BDE-LOG-VHF, MK-3BN]")
    result = pipeline.check(str(flagship_copy))
    assert "comms-incompatible" in codes(result, "warning")
    (stale,) = [d for d in result.diagnostics if d.code == "unused-acceptance"]
    assert stale.pointer == "/exercise/accept/0" and stale.location.file.endswith("exercise.yaml")
    assert not pipeline.check(str(flagship_copy), strict=True).ok


def test_errors_cannot_be_accepted(flagship_copy: Path) -> None:
    plant(flagship_copy.parent / "injects" / "day1.yaml", "to: [MNB-HQ]", "to: [MNB-HX]")
    plant(flagship_copy, "  accept:\n", "  accept:\n    - {code: unknown-reference, ids: [MNB-HX], reason: x}\n")
    result = pipeline.check(str(flagship_copy))
    assert "unknown-reference" in codes(result, "error")
    assert "unused-acceptance" in codes(result, "warning")
