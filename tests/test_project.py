"""The project's own promises: two Quick-start commands, CI runs the README's test
command, the package imports without the book's package, its public API is explicit."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))  # links.py: build tooling, not part of the package

import links  # noqa: E402


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh|shell)?\n(.*?)```", section, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    assert "jupyter lab" in commands[0]
    assert "pytest" in commands[1]


def test_the_korean_readme_has_the_same_two_commands_and_every_korean_notebook():
    korean = (ROOT / "README.ko.md").read_text(encoding="utf-8")
    section = korean.split("## 빠른 시작", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh|shell)?\n(.*?)```", section, flags=re.S)
    assert [line.strip() for block in blocks for line in block.splitlines() if line.strip()] == quick_start_commands()
    for path in sorted((ROOT / "notebooks" / "ko").glob("*.ipynb")):
        assert f"](notebooks/ko/{path.name})" in korean and links.colab_url(f"ko/{path.name}") in korean, path.name
    assert "](README.ko.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = quick_start_commands()[1]
    assert test_command in ci.splitlines(), f"{test_command!r} not found as a line of .ci/run"


def test_requirements_install_the_package_editable():
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "-e ." in [line.strip() for line in lines]


def _imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
    return names


def test_package_never_imports_the_books_package():
    for path in (ROOT / "course_utils").rglob("*.py"):
        names = _imported_modules(path)
        assert not any(n == "d2l" or n.startswith("d2l.") for n in names), path


def test_build_tooling_is_not_in_the_package():
    """links.py writes the notebooks' Colab cells (scripts/run_notebooks.py); nothing needs it at run time."""
    assert not (ROOT / "course_utils" / "links.py").exists()
    assert Path(links.__file__).resolve() == ROOT / "scripts" / "links.py"
    for path in (ROOT / "course_utils").rglob("*.py"):
        assert not any(n == "links" or n.endswith(".links") for n in _imported_modules(path)), path
    assert "from links import" in (ROOT / "scripts" / "run_notebooks.py").read_text(encoding="utf-8")


def test_links_doctests():
    import doctest

    assert doctest.testmod(links, raise_on_error=True).attempted > 0


def test_public_api_is_explicit_and_importable():
    import course_utils

    assert course_utils.__all__, "course_utils.__all__ is empty"
    missing = [name for name in course_utils.__all__ if not hasattr(course_utils, name)]
    assert not missing, missing
    assert len(set(course_utils.__all__)) == len(course_utils.__all__)


@pytest.mark.parametrize("module", ["models", "ops"])
def test_the_package_index_names_every_public_name_of_the_model_and_op_modules(module):
    """course_utils.__all__ repeats these modules' lists on purpose (an explicit index that tools
    can read); this keeps the two from drifting apart."""
    import importlib

    import course_utils

    names = importlib.import_module(f"course_utils.{module}").__all__
    assert [name for name in names if name not in course_utils.__all__] == []
    assert all(getattr(course_utils, name) is getattr(importlib.import_module(f"course_utils.{module}"), name)
               for name in names)


def test_import_works_from_any_folder(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", "import course_utils, sys; print(course_utils.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    assert Path(out.stdout.strip()).resolve().is_relative_to(ROOT / "course_utils")


PUBLIC_MODULES = sorted(
    p.relative_to(ROOT).as_posix() for p in (ROOT / "course_utils").glob("*.py") if not p.name.startswith("_")
)


@pytest.mark.parametrize("path", PUBLIC_MODULES)
def test_every_module_declares_all(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    assert "__all__" in names, f"{path} has no __all__"


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_notebook_with_its_colab_badge():
    readme = _readme()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"](notebooks/{path.name})" in readme, f"{path.name} is not in the README's table"
        assert links.colab_url(path.name) in readme, f"the README has no Colab badge for {path.name}"
    for path in sorted((ROOT / "notebooks" / "ko").glob("*.ipynb")):  # the Korean column
        assert f"](notebooks/ko/{path.name})" in readme, f"ko/{path.name} is not in the README's table"
        assert links.colab_url(f"ko/{path.name}") in readme, f"the README has no Colab badge for ko/{path.name}"


def test_readme_links_point_at_the_one_repository():
    """Every GitHub, Colab and Binder address in the README names links.REPOSITORY_URL's repository."""
    repository = links.REPOSITORY_URL.removeprefix("https://github.com/")
    urls = re.findall(r"https://(?:github\.com|colab\.research\.google\.com/github|mybinder\.org/v2/gh)/[^\s)\]]+",
                      _readme())
    assert any("mybinder.org" in url for url in urls), "the README has no Binder link"
    for url in urls:
        assert f"/{repository}" in url, f"{url} does not point at {repository} (scripts/links.py)"
        if "colab" in url or "mybinder" in url:
            assert f"/{links.BRANCH}" in url, f"{url} does not open branch {links.BRANCH}"


def test_readme_images_exist():
    images = re.findall(r"!\[[^\]]*\]\((docs/[^)\s]+)\)", _readme())
    assert len(images) >= 4, images
    for image in images:
        path = ROOT / image
        assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{image} is not a PNG in the repository"
