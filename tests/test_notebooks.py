"""The analyst notebooks cannot rot: each one runs top to bottom here, and git holds them without outputs.

By default they run against data/sample; `make notebooks` sets KG_NOTEBOOK_CORPUS=../shared/corpus (a path
relative to the repository root, or absolute) to run them over the whole shared corpus. Every notebook runs
in its own kernel (this interpreter's ipykernel, through a kernel spec written to a temporary folder, so no
Jupyter set-up on the machine is needed) with a temporary working directory, and builds the graph into one
temporary folder shared by the session (the first notebook builds it, the others find it unchanged).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
SYLLABUS = (
    "01-quickstart.ipynb",
    "02-trends-over-time.ipynb",
    "03-sparql.ipynb",
    "04-vendors-and-projects.ipynb",
    "05-explore.ipynb",
    "06-relations-and-evidence.ipynb",
)
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
# A slow cell on the full corpus still ends well inside this; a hung kernel does not hang CI.
CELL_TIMEOUT = 600


def _corpus() -> Path:
    given = os.environ.get("KG_NOTEBOOK_CORPUS", "")
    path = Path(given) if given else ROOT / "data" / "sample"
    return path if path.is_absolute() else (ROOT / path).resolve()


@pytest.fixture(scope="session")
def kernel_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Kernel environment: a `python3` kernel spec running this interpreter, the corpus, a build folder."""
    corpus = _corpus()
    if not corpus.exists():
        pytest.skip(
            f"corpus {corpus} not found (KG_NOTEBOOK_CORPUS); `make notebooks` needs ../shared/corpus"
        )
    jupyter = tmp_path_factory.mktemp("jupyter")
    spec_dir = jupyter / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "cnkg (test)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return {
        # JUPYTER_PATH is searched before the user's and the system's kernel folders.
        "JUPYTER_PATH": str(jupyter),
        "KG_NOTEBOOK_CORPUS": str(corpus),
        "KG_NOTEBOOK_BUILD": str(tmp_path_factory.mktemp("kg-build")),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # silences a debugger warning on frozen modules
    }


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_syllabus_is_complete_and_documented() -> None:
    assert [p.name for p in NOTEBOOKS] == list(SYLLABUS)
    readme = (NOTEBOOK_DIR / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| \[(\d\d-[\w-]+)\]\(\1\.ipynb\) \|", readme, flags=re.MULTILINE)
    assert listed == [name.removesuffix(".ipynb") for name in SYLLABUS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    notebook = _read(path)
    nbformat.validate(notebook)
    dirty = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert dirty == [], f"{path.name}: cells {dirty} have outputs; strip them (nbstripout) before committing"
    assert notebook.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(
    path: Path, kernel_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbclient import NotebookClient

    for key, value in kernel_env.items():
        monkeypatch.setenv(key, value)
    notebook = _read(path)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    started = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - started
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    figures = [out for out in outputs if "image/png" in out.get("data", {})]
    assert figures, f"{path.name} shows no figure"
    warnings = [out.text for out in outputs if out.output_type == "stream" and "Warning" in out.text]
    assert warnings == [], f"{path.name} printed warnings"
    # The notebook writes only to the build folder and its working directory, never into the repository,
    # and stops what it starts (03 runs `kg serve` on the build's database).
    assert not (NOTEBOOK_DIR / "build").exists()
    assert _processes_naming(kernel_env["KG_NOTEBOOK_BUILD"]) == []
    print(f"{path.name}: {seconds:.1f} s")


def _processes_naming(text: str) -> list[str]:
    """Command lines of running processes that contain `text` (empty where /proc is not there to ask)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:  # the process ended while we looked
            continue
        line = " ".join(w.decode(errors="replace") for w in words).strip()
        if text in line:
            found.append(line)
    return found
