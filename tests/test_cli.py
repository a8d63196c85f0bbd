"""The front door: fast imports, clean errors, and `kg stats` against a real SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

KG = [sys.executable, "-m", "kg.cli"]
HEAVY = ("spacy", "rdflib", "pyoxigraph", "pyvis", "pandas", "networkx", "sqlmodel")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], capture_output=True, text=True, cwd=cwd, check=False)


def test_help_does_not_import_heavy_libraries() -> None:
    probe = (
        "import sys, kg.cli\n"
        "try:\n    kg.cli.app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print('heavy=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "heavy="


def test_stats_json_has_the_contract_keys(tmp_path: Path) -> None:
    result = run("stats", "--json", "--db", f"sqlite:///{tmp_path / 'kg.db'}")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert {"documents", "items", "links", "mentions", "entities"} <= set(counts)
    assert all(value == 0 for value in counts.values())


def test_db_defaults_to_kg_db_in_the_working_directory(tmp_path: Path) -> None:
    assert run("stats", cwd=tmp_path).returncode == 0
    assert (tmp_path / "kg.db").exists()


def test_unopenable_database_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = run("stats", "--db", f"sqlite:///{tmp_path / 'missing' / 'kg.db'}")
    assert result.returncode == 2
    assert result.stderr == (
        f"error: cannot open database sqlite:///{tmp_path / 'missing' / 'kg.db'}: "
        f"folder {tmp_path / 'missing'} does not exist\n"
    )


def test_missing_input_path_is_reported_without_traceback(tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path / "nope"), "--no-link", "--db", f"sqlite:///{tmp_path / 'kg.db'}")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(tmp_path / "nope") in result.stderr
