"""The package as pip installs it (Colab's ``pip install git+...`` builds this wheel): it holds the
committed results and the data sample, and 8.7's comparison fills its measured columns from it,
with nothing of the repository importable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE")  # what the build reads besides the package


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel of the repository's package, and the folder it was installed into (``--target``).

    Built from a copy of the package's sources, so that the build leaves nothing in the repository
    (``build/``, ``*.egg-info``) and no ``build/lib`` of an earlier build can slip stale files in.
    """
    where = tmp_path_factory.mktemp("wheel")
    source = where / "source"
    source.mkdir()
    for name in PACKAGE_FILES:
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "course_utils", source / "course_utils",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(where / "dist"), str(source)], check=True, capture_output=True, timeout=300)
    wheel = next((where / "dist").glob("course_utils-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(where / "site"),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    return wheel, where / "site"


def test_the_wheel_holds_the_results_and_the_sample(built):
    wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    results = {f"course_utils/results/{p.name}" for p in (ROOT / "course_utils" / "results").iterdir()}
    sample = {f"course_utils/sample/{p.name}" for p in (ROOT / "course_utils" / "sample").iterdir()}
    assert "course_utils/results/training-cpu.json" in results  # the runs 8.7 shows at the cpu size
    assert results <= names, sorted(results - names)
    assert sample <= names, sorted(sample - names)
    assert "course_utils/py.typed" in names
    static = {f"course_utils/explorers/static/{p.name}" for p in (ROOT / "course_utils" / "explorers" / "static").iterdir()}
    assert {"course_utils/explorers/static/explorer.js", "course_utils/explorers/static/explorer.css"} <= static
    assert static <= names, sorted(static - names)  # without them an installed explorer has no front end
    assert not {"course_utils/links.py", "course_utils/results.py"} & names  # build tooling; the old module


def test_an_installed_explorer_has_its_front_end(built, tmp_path):
    _, site = built
    code = ("import course_utils.explorers as e\n"
            "w = e.ConvolutionExplorer()\n"
            "print(e.__file__, len(w._esm), len(w._css))\n")
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    where, esm, css = done.stdout.split()
    assert Path(where).resolve().is_relative_to(site.resolve())
    assert int(esm) > 10_000 and int(css) > 1_000  # the front end itself, not anywidget's placeholder


def test_the_installed_package_shows_the_measured_runs(built, tmp_path):
    _, site = built
    code = (
        "import json, course_utils\n"
        "from course_utils.comparison import compare_models, results_dir\n"
        "c = compare_models('cpu')\n"
        "print(json.dumps({'file': course_utils.__file__, 'results': str(results_dir()), 'rows': c.to_dicts(),\n"
        "                  'text': str(c)}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}  # the installed copy only: not the repository, not its checkout
    env.pop("COURSE_SIZE", None)
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(shown["file"]).resolve().is_relative_to(site.resolve()), shown["file"]
    assert Path(shown["results"]).resolve() == site.resolve() / "course_utils" / "results"

    committed = json.loads((ROOT / "course_utils" / "results" / "training-cpu.json").read_text(encoding="utf-8"))
    by_key = {row["key"]: row for row in shown["rows"]}
    lenet = next(row for row in committed if row["key"] == "lenet")
    assert by_key["lenet"]["val_acc"] == lenet["val_acc"]  # the file's number, read from the installed wheel
    assert by_key["lenet"]["epochs"] == lenet["epochs"] and by_key["lenet"]["device"] == lenet["device"]
    assert by_key["lenet"]["images_per_s"] == lenet["images_per_s"]
    assert by_key["lenet"]["seconds_per_epoch"] == lenet["wall_s"] / lenet["epochs"]
    lenet_line = next(line for line in shown["text"].splitlines() if line.startswith("LeNet "))
    assert "—" not in lenet_line and f"{lenet['val_acc']:.3f}" in lenet_line
    assert "measured runs from course_utils/results;" in shown["text"]
