"""The comms plan states each net's time in transit, so a planner sees why a report cannot go by courier."""

from __future__ import annotations

from pathlib import Path


def _net_row(text: str, net: str) -> str:
    """The row of the nets table for ``net`` (its first cell names the net and its full name)."""
    (row,) = [r for r in text.split("<tr") if f"<strong>{net}</strong></span><span class=\"net-name\">" in r]
    return row


def test_the_flagship_comms_plan_lists_courier_transit_times(flagship_package: Path) -> None:
    text = (flagship_package / "comms" / "comms-plan.html").read_text("utf-8")
    assert "45m in transit" in _net_row(text, "RUNNER")
    assert "1h15m in transit" in _net_row(text, "RUNNER-NORTH")
    assert "in transit" not in _net_row(text, "FIRES-VHF")  # a radio net delivers at once
