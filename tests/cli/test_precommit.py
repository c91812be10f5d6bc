"""The pre-commit hook, installed by pre-commit itself in a temporary scenario repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FLAGSHIP_DIR, ROOT

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is installed with the test extra")
def test_hook_fails_on_bad_file_and_passes_on_good(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    git(scenarios, "init", "-q")
    shutil.copytree(FLAGSHIP_DIR, scenarios / "adriatic")
    (scenarios / "ci.yaml").write_text("on: push\n", "utf-8")
    git(scenarios, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never"}

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(PRE_COMMIT), "try-repo", str(ROOT), "exgen-validate", "--files", *files],
                              cwd=scenarios, capture_output=True, text=True, env=env, timeout=900)

    good = hook("adriatic/exercise.yaml", "adriatic/injects/day2.yaml", "ci.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    day2 = scenarios / "adriatic" / "injects" / "day2.yaml"
    day2.write_text(day2.read_text("utf-8").replace("method: ", "method: pigeon-", 1), "utf-8")
    bad = hook("adriatic/injects/day2.yaml")
    assert bad.returncode == 1
    assert "adriatic/injects/day2.yaml:" in bad.stdout and "error[schema-enum]" in bad.stdout
