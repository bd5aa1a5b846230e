"""Where the course lives online: the one place that names the repository.

Build tooling, not part of the package: the notebooks carry what it writes, and nothing
imports it at run time. Every notebook opens with an "Open in Colab" badge built from
``REPOSITORY_URL``, and its first code cell (:func:`colab_setup_source`) installs the course
package from the same repository, on Colab only. ``scripts/run_notebooks.py`` rewrites both
cells from here (``--refresh`` does only that), so moving the repository means changing one line.

>>> colab_url("07-3-padding-and-strides.ipynb")
'https://colab.research.google.com/github/d2l-cnn-course/cnn-course/blob/main/notebooks/07-3-padding-and-strides.ipynb'
"""

from __future__ import annotations

__all__ = [
    "REPOSITORY_URL",
    "BRANCH",
    "COLAB_BASE",
    "TRANSLATIONS",
    "colab_url",
    "colab_badge_markdown",
    "colab_setup_source",
]

REPOSITORY_URL = "https://github.com/d2l-cnn-course/cnn-course"  # placeholder until the course is published
BRANCH = "main"
COLAB_BASE = "https://colab.research.google.com/github/" + REPOSITORY_URL.removeprefix("https://github.com/")
_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
_BADGE_NOTE = ("*On Colab, the first code cell installs the course package (Colab already has PyTorch); "
               "anywhere else it does nothing, and the README says how to install the course.*")
# The folders of notebooks/ that hold a translation, and the badge's note in that language.
TRANSLATIONS = {
    "ko": "*Colab에서는 첫 번째 코드 셀이 강의 패키지를 설치합니다(Colab에는 PyTorch가 이미 있습니다). "
          "다른 곳에서는 아무 일도 하지 않으며, 강의 설치 방법은 README.ko.md에 있습니다.*",
}


def colab_url(notebook: str) -> str:
    """The Colab address that opens ``notebooks/<notebook>`` of the course repository;
    ``notebook`` is a file name, or ``ko/`` and a file name for the Korean edition."""
    folder, _, file = notebook.rpartition("/") if isinstance(notebook, str) else ("", "", "")
    if not file.endswith(".ipynb") or "/" in folder or folder not in ("", *TRANSLATIONS):
        raise ValueError(
            f"notebook must be a file name like '07-1-from-fully-connected-to-convolutions.ipynb' "
            f"(or 'ko/' and one, for the Korean edition), got {notebook!r}"
        )
    return f"{COLAB_BASE}/blob/{BRANCH}/notebooks/{notebook}"


def colab_badge_markdown(notebook: str) -> str:
    """The markdown of the badge (and a word on the Colab cell) for a notebook's first cell,
    in the notebook's language (Korean for ``ko/...``)."""
    note = TRANSLATIONS.get(notebook.rpartition("/")[0], _BADGE_NOTE) if isinstance(notebook, str) else _BADGE_NOTE
    return f"[![Open In Colab]({_BADGE_IMAGE})]({colab_url(notebook)})\n\n{note}"


_COLAB_CELL = """\
{about}
import sys

if "google.colab" in sys.modules:
    import importlib
    import subprocess

    command = [sys.executable, "-m", "pip", "install", "-q", "{requirement}git+{repository}@{branch}"]
    pip = subprocess.run(command, capture_output=True, text=True)
    if pip.returncode != 0:
        raise RuntimeError("pip could not install the course package:\\n" + pip.stderr)
    importlib.invalidate_caches()  # {after}"""

# the Colab cell's two comments, per edition
_COLAB_COMMENTS = {
    "": ("# On Colab only: install the course package from its repository. Colab already has PyTorch,\n"
         "# so nothing is upgraded or reinstalled. Anywhere else this cell does nothing.",
         "the next cell imports the package just installed"),
    "ko": ("# Colab에서만: 저장소에서 강의 패키지를 설치합니다. Colab에는 PyTorch가 이미 있으므로\n"
           "# 아무것도 업그레이드하거나 다시 설치하지 않습니다. 다른 곳에서는 이 셀이 아무 일도 하지 않습니다.",
           "다음 셀이 방금 설치한 패키지를 불러옵니다"),
}


# what the Colab cell installs besides the package, per edition: the Korean figures need a font with
# Hangul, which Colab lacks (pyproject.toml's extra "ko": koreanize-matplotlib, which ships NanumGothic)
_EXTRAS = {"ko": "ko"}


def colab_setup_source(notebook: str = "") -> str:
    """The source of every notebook's first code cell: on Colab, install the course package.

    Plain Python (no ``%pip`` or ``!``), so it runs anywhere and does nothing outside
    Colab (a Colab kernel has ``google.colab`` imported from the start). pip installs
    ``BRANCH`` of ``REPOSITORY_URL``, the branch the badge opens, with no ``-U`` and no
    pins: every package already there that satisfies the package's loose requirements
    (Colab's torch, numpy, ipywidgets 7.7) stays as it is.

    The cell does not call ``google.colab.output.enable_custom_widget_manager()``: the
    course shows only the ipywidgets package's own widgets (and tqdm's), which Colab's
    built-in widget manager draws in ipywidgets 7; the custom manager is for third-party
    widgets (loaded from a CDN) and is needed for none of them.

    A notebook of the Korean edition (``notebook`` is ``ko/...``) installs the package with its
    extra ``ko`` as well, the font its figures need, and its comments are Korean.

    >>> '"git+https://github.com/d2l-cnn-course/cnn-course@main"]' in colab_setup_source()
    True
    >>> '"course-utils[ko] @ git+https://github.com/d2l-cnn-course/cnn-course@main"]' in colab_setup_source("ko/a.ipynb")
    True
    """
    edition = notebook.rpartition("/")[0] if isinstance(notebook, str) else ""
    extra = _EXTRAS.get(edition)
    requirement = f"course-utils[{extra}] @ " if extra else ""
    about, after = _COLAB_COMMENTS.get(edition, _COLAB_COMMENTS[""])
    return _COLAB_CELL.format(about=about, after=after, requirement=requirement, repository=REPOSITORY_URL,
                              branch=BRANCH)
