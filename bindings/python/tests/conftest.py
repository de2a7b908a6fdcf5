"""Fixtures shared by the tests: the bundled examples built to tables with
the crmc binary (``cargo build --release`` at the repo root; ``CRMC_BIN``
overrides it), and their test blocks' mutations, which ``crmc test`` runs."""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"


def crmc_bin() -> str:
    return os.environ.get("CRMC_BIN", str(REPO / "target" / "release" / "crmc"))


def workflow_dirs():
    return sorted(
        d for d in EXAMPLES.iterdir()
        if d.is_dir() and d.name != "broken" and any(d.glob("*.crmc"))
    )


def build_table(unit: Path, out: Path) -> Path:
    subprocess.run([crmc_bin(), "-q", "build", str(unit), "-o", str(out)], check=True)
    return out


def test_mutations(unit: Path):
    """The mutations of the unit's `test` blocks, as `crmc test` runs them."""
    report = subprocess.run(
        [crmc_bin(), "test", "--format", "json", str(unit)],
        check=True, capture_output=True, text=True,
    )
    return [t["mutation"] for t in json.loads(report.stdout)["tests"]]


def crmc_eval(table: Path, lines):
    """`crmc eval` on these NDJSON lines: its output lines, parsed (split at
    `\n` only: a decision may hold U+2028, which `str.splitlines` splits at)."""
    text = "".join(line + "\n" for line in lines)
    out = subprocess.run(
        [crmc_bin(), "eval", "-t", str(table)],
        input=text.encode(), check=True, capture_output=True,
    )
    return [json.loads(line) for line in out.stdout.decode().split("\n")[:-1]]


@pytest.fixture(scope="session")
def example_tables(tmp_path_factory):
    """[(name, table path, mutations)] for every bundled workflow."""
    base = tmp_path_factory.mktemp("tables")
    return [
        (d.name, build_table(d, base / f"{d.name}.crmct"), test_mutations(d))
        for d in workflow_dirs()
    ]
