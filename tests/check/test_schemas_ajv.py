"""The bundled schemas compile in ajv's strict mode (JSON Schema 2020-12, ajv 8 + ajv-formats).

Editors and other tools read the schemas with ajv; strict mode refuses what is ambiguous there
(``minItems`` without ``type: array``, a ``required`` property no ``properties`` declares ...).
``make install`` puts ajv in ``tests/.node``; without Node.js the test is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / "tests" / ".node"
SCRIPT = Path(__file__).with_name("ajv_strict.js")
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (sudo apt-get install -y nodejs npm)")


def _ajv(folder: Path) -> subprocess.CompletedProcess[str]:
    modules = NODE_DIR / "node_modules"
    if not (modules / "ajv").is_dir() or not (modules / "ajv-formats").is_dir():
        pytest.fail("ajv is not installed: run make install, or "
                    "npm install --no-save --prefix tests/.node ajv@8 ajv-formats@3")
    env = {**os.environ, "NODE_PATH": str(modules)}
    assert NODE is not None
    return subprocess.run([NODE, str(SCRIPT), str(folder)], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_every_bundled_schema_compiles_in_ajv_strict_mode() -> None:
    result = _ajv(ROOT / "schemas")
    count = len(list((ROOT / "schemas").glob("*.schema.json")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(f"{count} schemas, 0 problems")


def test_ajv_strict_mode_refuses_min_items_without_a_type(tmp_path: Path) -> None:
    for schema in (ROOT / "schemas").glob("*.schema.json"):
        shutil.copy(schema, tmp_path / schema.name)
    loose = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://example.org/loose.schema.json",
             "type": "object", "properties": {"to": {"minItems": 1}}}
    (tmp_path / "loose.schema.json").write_text(json.dumps(loose), "utf-8")
    result = _ajv(tmp_path)
    assert result.returncode == 1
    assert 'loose.schema.json: strict mode: missing type "array" for keyword "minItems"' in result.stdout
