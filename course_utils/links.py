"""Where the course lives online: the one place that names the repository.

Every notebook opens with an "Open in Colab" badge built from ``REPOSITORY_URL``;
``scripts/run_notebooks.py`` rewrites the badges from here, so moving the
repository means changing one line.

>>> colab_url("07-3-padding-and-strides.ipynb")
'https://colab.research.google.com/github/d2l-cnn-course/cnn-course/blob/main/notebooks/07-3-padding-and-strides.ipynb'
"""

from __future__ import annotations

__all__ = ["REPOSITORY_URL", "BRANCH", "COLAB_BASE", "colab_url", "colab_badge_markdown"]

REPOSITORY_URL = "https://github.com/d2l-cnn-course/cnn-course"  # placeholder until the course is published
BRANCH = "main"
COLAB_BASE = "https://colab.research.google.com/github/" + REPOSITORY_URL.removeprefix("https://github.com/")
_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"


def colab_url(notebook: str) -> str:
    """The Colab address that opens ``notebooks/<notebook>`` of the course repository."""
    if not isinstance(notebook, str) or not notebook.endswith(".ipynb") or "/" in notebook:
        raise ValueError(
            f"notebook must be a file name like '07-1-from-fully-connected-to-convolutions.ipynb', got {notebook!r}"
        )
    return f"{COLAB_BASE}/blob/{BRANCH}/notebooks/{notebook}"


def colab_badge_markdown(notebook: str) -> str:
    """The markdown of the badge (and the one install line Colab needs) for a notebook's first cell."""
    return (
        f"[![Open In Colab]({_BADGE_IMAGE})]({colab_url(notebook)})\n"
        "\n"
        f"*On Colab, run `!pip install -q git+{REPOSITORY_URL}` once before the setup cell; "
        "on your own machine follow the README.*"
    )
