"""Binder builds the course from binder/: Python 3.11, PyTorch's CPU-only wheels, the package
and Fashion-MNIST in the cache at build time; and every notebook fits in Binder's memory.

repo2docker (Binder's builder) is asked for its Dockerfile with ``--no-build``, which needs no
Docker daemon; the lines asserted below are the ones repo2docker 2026.4 prints.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from course_utils.data_sources import DEBIAN_DIR, SPLIT_FILES

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"

# mybinder.org gives a session at most 2 GiB for everything in the container. Besides the
# kernel there is the Jupyter server: JupyterLab 4.6 with the Voila extension measured
# 99 MiB resident after serving /lab, a notebook and its API calls, 118 MiB after one Voila
# page as well (2-core x86_64 Linux, Python 3.11). 512 MiB for it leaves room for its growth
# and a terminal, so one kernel gets 1.5 GiB. The kernels here import PyTorch's CUDA wheel,
# which alone takes ~290 MiB more than Binder's CPU wheel (507 vs 218 MiB after
# `import torch`), so the check errs on the safe side.
BINDER_MIB = 2048
SERVER_ALLOWANCE_MIB = 512
KERNEL_BUDGET_MIB = BINDER_MIB - SERVER_ALLOWANCE_MIB


def _requirements(path: Path) -> tuple[dict[str, Requirement], list[str]]:
    """The requirements of a pip file by name, and its option lines (``-e .``, ``--extra-index-url ...``)."""
    lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    options = [line for line in lines if line.startswith("-")]
    requirements = [Requirement(line) for line in lines if line and not line.startswith("-")]
    return {r.name.lower(): r for r in requirements}, options


# ----------------------------------------------------------------------------- repo2docker's Dockerfile
def _repo2docker() -> str | None:
    """repo2docker next to this Python (a virtual environment's bin/), else on PATH."""
    here = shutil.which("jupyter-repo2docker", path=str(Path(sys.executable).parent))
    return here or shutil.which("jupyter-repo2docker")


@pytest.fixture(scope="module")
def repo2docker_output() -> tuple[str, str]:
    """(Dockerfile, log) that Binder's builder makes for this repository, without building it."""
    executable = _repo2docker()
    if executable is None:
        pytest.skip("jupyter-repo2docker is not installed: python -m pip install -r requirements-dev.txt")
    command = [executable, "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan", str(ROOT)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{shlex.join(command)} failed:\n{done.stderr}"
    return done.stdout, done.stderr


def _unescape(name: str) -> str:
    """repo2docker names a copied build script by its path, '-2f' for '/', '-2e' for '.', ..., and a hash."""
    path = re.sub(r"-[0-9a-f]{6}$", "", name)
    return re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), path)


def test_binder_uses_python_3_11_from_runtime_txt(repo2docker_output):
    dockerfile, log = repo2docker_output
    assert (BINDER / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"
    assert "Building conda environment for python=3.11" in log
    lock_files = [_unescape(name) for name in re.findall(r"build_script_files/(\S+)", dockerfile)]
    assert any(name.endswith("/environment.py-3.11-linux-64.lock") for name in lock_files), lock_files


def test_binder_installs_binder_requirements_and_runs_postbuild(repo2docker_output):
    dockerfile, _ = repo2docker_output
    lines = [line.strip() for line in dockerfile.splitlines()]
    assert "COPY --chown=1000:1000 src/binder/requirements.txt ${REPO_DIR}/binder/requirements.txt" in lines
    pip_lines = [line for line in lines if "pip install" in line]
    assert pip_lines == ['RUN ${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r "binder/requirements.txt"']
    assert "RUN chmod +x binder/postBuild" in lines
    assert "RUN ./binder/postBuild" in lines
    assert lines.index("RUN ./binder/postBuild") > lines.index(pip_lines[0])


def test_binder_ignores_the_top_level_environment_files(repo2docker_output):
    """binder/ takes precedence: the top-level requirements.txt (CUDA wheels, ``-e .``) is not used."""
    dockerfile, _ = repo2docker_output
    assert not re.findall(r"(?<!binder/)requirements\.txt", dockerfile)
    assert "environment.yml" not in dockerfile and "setup.py" not in dockerfile


# ----------------------------------------------------------------------------- binder/ itself
def test_binder_requirements_are_the_courses_with_cpu_wheels():
    course, course_options = _requirements(ROOT / "requirements.txt")
    binder, binder_options = _requirements(BINDER / "requirements.txt")
    assert binder_options == [f"--extra-index-url {CPU_INDEX}"]
    assert course_options == ["-e ."]  # Binder's postBuild installs the package instead
    for name in ("torch", "torchvision"):
        (version,) = [spec.version for spec in course[name].specifier if spec.operator == "=="]
        assert str(binder[name].specifier) == f"=={version}+cpu", f"binder/requirements.txt: {binder[name]}"
    for name, requirement in course.items():
        if name not in ("torch", "torchvision"):
            assert name in binder, f"binder/requirements.txt lacks {requirement} (requirements.txt has it)"
            assert binder[name].specifier == requirement.specifier, (binder[name], requirement)
    assert "voila" in binder  # the explorers as a standalone page


def _postbuild_lines() -> list[str]:
    return [line.strip() for line in (BINDER / "postBuild").read_text(encoding="utf-8").splitlines()]


def test_postbuild_is_strict_installs_the_package_alone_and_fills_the_data_cache():
    path = BINDER / "postBuild"
    assert os.access(path, os.X_OK), "binder/postBuild must be executable (git update-index --chmod=+x)"
    lines = _postbuild_lines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines
    assert "python -m pip install --no-deps -e ." in lines  # dependencies come from binder/requirements.txt
    tree = ast.parse(_postbuild_data_code())
    imports = [(node.module, [alias.name for alias in node.names]) for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom)]
    assert imports == [("course_utils.data_sources", ["load_fashion_mnist"])]  # where the loader lives
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    splits = sorted(ast.literal_eval(c.args[0]) for c in calls if getattr(c.func, "id", "") == "load_fashion_mnist")
    assert splits == [False, True]  # the test and the training split


def _postbuild_data_code() -> str:
    (line,) = [line for line in _postbuild_lines() if line.startswith("python -c ")]
    return shlex.split(line)[2]


def test_postbuild_sets_the_synchronous_contents_manager_for_voila(tmp_path):
    """postBuild's server setting, run against a config folder with a setting already in it:
    the setting is added, the other one kept (voila-dashboards/voila#1473, see postBuild)."""
    text = (BINDER / "postBuild").read_text(encoding="utf-8")
    (code,) = re.findall(r"^python - <<'PY'\n(.*?)^PY$", text, flags=re.S | re.M)
    (tmp_path / "jupyter_server_config.json").write_text('{"ServerApp": {"root_dir": "/srv"}}')
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    config = json.loads((tmp_path / "jupyter_server_config.json").read_text(encoding="utf-8"))
    assert config == {"ServerApp": {
        "root_dir": "/srv",
        "contents_manager_class": "jupyter_server.services.contents.largefilemanager.LargeFileManager",
    }}


@pytest.mark.skipif(not DEBIAN_DIR.is_dir(), reason=f"needs the full data in {DEBIAN_DIR} "
                    "(apt-get install dataset-fashion-mnist); Binder itself downloads it")
def test_postbuild_data_line_leaves_both_splits_in_the_cache(tmp_path):
    """postBuild's data line, run with an empty cache: afterwards all four files are in the cache.
    (On Binder they come from a download, here from Debian's package; both paths write the cache.)"""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("FASHION_MNIST_ROOT", None)  # a root is read in place, never copied to the cache
    subprocess.run([sys.executable, "-c", _postbuild_data_code()], env=env, cwd=tmp_path, check=True, timeout=300)
    cached = {p.name for p in (tmp_path / "cache" / "course_utils" / "FashionMNIST" / "raw").iterdir()}
    assert {name for names in SPLIT_FILES.values() for name in names} <= cached


# ----------------------------------------------------------------------------- memory
@pytest.mark.slow
def test_every_notebook_runs_within_binders_memory(tmp_path):
    """Each notebook, run top to bottom in the fast size by scripts/measure_memory.py, keeps its
    kernel's peak resident memory under the kernel's share of Binder's 2 GiB."""
    report_path = tmp_path / "memory.json"
    command = [sys.executable, str(ROOT / "scripts" / "measure_memory.py"), "--output", str(report_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    measured = json.loads(report_path.read_text(encoding="utf-8"))["notebooks"]
    assert sorted(measured) == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    too_big = {name: row["peak_mib"] for name, row in measured.items() if row["peak_mib"] >= KERNEL_BUDGET_MIB}
    assert not too_big, f"kernel peak (MiB) over Binder's budget of {KERNEL_BUDGET_MIB} MiB: {too_big}\n{done.stdout}"
    # A forked child's peak counts the pages it shares with the kernel; one larger than the
    # kernel itself is a process of its own (e.g. a DataLoader worker), which the budget leaves out.
    extra = {name: row["children_peak_mib"] for name, row in measured.items()
             if row["children_peak_mib"] > row["peak_mib"]}
    assert not extra, f"child processes larger than their kernel: {extra}"
