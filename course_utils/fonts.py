"""A font with Hangul for matplotlib, so that the Korean edition's figures show their words.

matplotlib draws with DejaVu Sans, which has no Hangul: a Korean title would come out as
empty boxes (and a "Glyph ... missing from font(s)" warning). :func:`use_hangul_font`
finds an installed font that has Hangul and puts it first in ``rcParams["font.family"]``
(first: mathtext draws the words around a formula, ``$f^*$까지``, in the first family only),
with DejaVu Sans after it for the glyphs it lacks (``⌊``, ``∗``, ...);
``course_utils.language.set_language("ko")`` calls it, and ``set_language("en")`` calls
:func:`restore_font`, which gives back the settings it changed.

Where it looks, in order:

1. the fonts matplotlib knows (``font_manager.fontManager.ttflist``): NanumGothic, Noto Sans
   CJK KR, Noto Sans KR, Malgun Gothic, AppleGothic, then any font whose character map has Hangul;
2. the fonts installed on the system since matplotlib cached its list of fonts (added to it);
3. the NanumGothic files that the package ``koreanize-matplotlib`` ships (Colab has no Korean
   font: ``pip install koreanize-matplotlib``); they are added to matplotlib from the package's
   folder, without importing it (its import would change the settings itself).

Without any, it warns once how to get one and changes nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import warnings
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager, ft2font

from course_utils.language import say

__all__ = [
    "H_PAD",
    "PREFERRED_FAMILIES",
    "SYMBOL_FAMILY",
    "find_hangul_font",
    "has_hangul",
    "restore_font",
    "use_hangul_font",
]

PREFERRED_FAMILIES = ("NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "AppleGothic")
# matplotlib's own font: the fallback for Latin letters, digits and math symbols the Hangul font lacks, and
# the font of the figures' operator symbols (its arrow is clearer than NanumGothic's)
SYMBOL_FAMILY = "DejaVu Sans"
HANGUL_SAMPLE = "한"
MINUS = "\N{MINUS SIGN}"
H_PAD = 4.5 / 72  # inches (4.5 points) between the texts and panels constrained layout stacks
_CHANGED = ("font.family", "axes.unicode_minus", "figure.constrained_layout.h_pad")

# What this module did: the settings before it changed them (None: nothing changed), and whether
# it has warned that no font was found.
_state: dict[str, Any] = {"before": None, "warned": False}


@functools.lru_cache(maxsize=None)
def _characters(path: str, index: int = 0) -> frozenset[str] | None:
    """Which of the characters this module asks about the font face has (None: not a readable font)."""
    try:
        font = ft2font.FT2Font(path, face_index=index) if index else ft2font.FT2Font(path)
    except (OSError, RuntimeError, ValueError, TypeError):
        return None
    return frozenset(ch for ch in (HANGUL_SAMPLE, MINUS) if font.get_char_index(ord(ch)) != 0)


def has_hangul(path: str | Path, index: int = 0) -> bool:
    """Whether the font file ``path`` (face ``index`` of a collection) has Hangul syllables."""
    return HANGUL_SAMPLE in (_characters(str(path), index) or ())


def _entry_has_hangul(entry: Any) -> bool:
    return has_hangul(entry.fname, getattr(entry, "index", 0))


def _best_family(entries: list[Any]) -> str | None:
    """The family of ``entries`` to use: the first preferred one with Hangul, else any with Hangul."""
    for family in PREFERRED_FAMILIES:
        if any(entry.name == family and _entry_has_hangul(entry) for entry in entries):
            return family
    with_hangul = sorted({entry.name for entry in entries if _entry_has_hangul(entry)})
    return with_hangul[0] if with_hangul else None


def _add_system_fonts() -> None:
    """Add to matplotlib the system's font files it does not list yet (installed after its cache was made)."""
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in sorted(set(font_manager.findSystemFonts()) - known):
        if has_hangul(path):
            font_manager.fontManager.addfont(path)


def _koreanize_fonts() -> list[Path]:
    """The font files of the package koreanize-matplotlib, if it is installed (without importing it)."""
    try:
        spec = importlib.util.find_spec("koreanize_matplotlib")
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    return sorted(path for folder in spec.submodule_search_locations for path in Path(folder, "fonts").glob("*.ttf"))


def find_hangul_font() -> str | None:
    """The family name of a font with Hangul that matplotlib can use (added to it if needed), or None."""
    manager = font_manager.fontManager
    family = _best_family(manager.ttflist)
    if family is None:  # matplotlib's list may predate the install: look at the system's fonts once more
        _add_system_fonts()
        family = _best_family(manager.ttflist)
    if family is None:
        shipped = [str(path) for path in _koreanize_fonts() if has_hangul(path)]
        known = {entry.fname for entry in manager.ttflist}
        for path in shipped:
            if path not in known:
                manager.addfont(path)
        family = _best_family([entry for entry in manager.ttflist if entry.fname in shipped])
    return family


def _weight(entry: Any) -> int:
    weight = entry.weight
    return font_manager.weight_dict.get(weight, 400) if isinstance(weight, str) else int(weight)


def _bold_face_as_bold(family: str) -> None:
    """If the family's bold file says it is a little lighter than bold (NanumGothicBold.ttf: 600), list it as
    bold too, so that ``fontweight="bold"`` finds it without matplotlib logging "Failed to find font weight"."""
    faces = [entry for entry in font_manager.fontManager.ttflist if entry.name == family]
    if any(_weight(face) == 700 for face in faces):
        return
    heavy = [face for face in faces if 600 <= _weight(face) < 800]
    if heavy:
        closest = min(heavy, key=lambda face: abs(_weight(face) - 700))
        font_manager.fontManager.ttflist.append(dataclasses.replace(closest, weight=700))


def _family_has_minus(family: str) -> bool:
    faces = [entry for entry in font_manager.fontManager.ttflist if entry.name == family]
    return any(MINUS in (_characters(entry.fname, getattr(entry, "index", 0)) or ()) for entry in faces)


def use_hangul_font() -> str | None:
    """Draw matplotlib's texts with a font that has Hangul; returns its family name, or None (with a
    warning, once, saying how to install one) when this machine has none.

    ``rcParams["font.family"]`` becomes ``[family, "DejaVu Sans"]``: a glyph the Hangul font lacks
    comes from DejaVu Sans. If the font has no minus sign (U+2212), ``axes.unicode_minus`` is
    turned off so that negative tick labels use "-". A bold file that says it is a little lighter
    than bold is listed as bold too (:func:`_bold_face_as_bold`). Hangul fills the whole height of its line,
    where Latin letters leave room above them, so constrained layout's vertical padding grows a
    little (``figure.constrained_layout.h_pad``, to :data:`H_PAD`): a suptitle does not touch the
    panel titles under it. :func:`restore_font` undoes all three.
    """
    family = find_hangul_font()
    if family is None:
        if not _state["warned"]:
            _state["warned"] = True
            warnings.warn(
                say("No font with Hangul was found for matplotlib, so Korean words in figures would show as empty "
                    "boxes. Install one, then run set_language('ko') again: pip install koreanize-matplotlib (or, "
                    "on Debian/Ubuntu, sudo apt-get install fonts-nanum)."),
                UserWarning,
                stacklevel=3,
            )
        return None
    _bold_face_as_bold(family)
    if _state["before"] is None:
        _state["before"] = {key: matplotlib.rcParams[key] for key in _CHANGED}
    matplotlib.rcParams["font.family"] = [family, SYMBOL_FAMILY]
    matplotlib.rcParams["axes.unicode_minus"] = _state["before"]["axes.unicode_minus"] and _family_has_minus(family)
    matplotlib.rcParams["figure.constrained_layout.h_pad"] = max(_state["before"]["figure.constrained_layout.h_pad"],
                                                                 H_PAD)
    return family


def restore_font() -> None:
    """Give back the font settings that :func:`use_hangul_font` changed (nothing if it changed none)."""
    before = _state["before"]
    if before is not None:
        matplotlib.rcParams.update(before)
        _state["before"] = None
