"""The language the package speaks to a student: English (the default) or Korean.

A notebook of the Korean edition (``notebooks/ko/``) calls ``set_language("ko")`` in its
setup cell; from then on what a student reads from the package (self-check verdicts, hints,
worked answers and what a wrong answer got wrong, the size line of a training cell, the words
of the figures) is Korean, and matplotlib draws with a font that has Hangul
(:func:`course_utils.fonts.use_hangul_font`). Error messages for programmers stay English.

Every such text is written in English where it is used, as a ``str.format`` template, and
passed through :func:`say`; the Korean templates live in ``course_utils/locales/ko.py``,
keyed by the English one (a test checks that every template used has its translation).

>>> say("✅ Correct: {expected}.", expected=9)
'✅ Correct: 9.'
>>> set_language("ko"); say("✅ Correct: {expected}.", expected=9)
'✅ 정답: 9.'
>>> set_language("en")
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from course_utils.locales import ko

__all__ = ["LANGUAGES", "Language", "get_language", "say", "set_language", "speaking"]

Language = Literal["en", "ko"]
LANGUAGES: tuple[Language, ...] = ("en", "ko")
_CATALOGS: dict[str, dict[str, str]] = {"ko": ko.TEMPLATES}
_current: list[Language] = ["en"]


def set_language(language: Language) -> None:
    """Speak ``language`` ("en" or "ko") from now on in this kernel."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(map(repr, LANGUAGES))}, got {language!r}: "
                         f"write e.g. set_language('ko')")
    _current[0] = language
    _match_the_figures_font(language)


def _match_the_figures_font(language: Language) -> None:
    """Korean figures need a font with Hangul; English gets matplotlib's font settings back. matplotlib is
    imported only for Korean (``course_utils.fonts``, the one module that changes the font, imports it)."""
    if language == "ko":
        from course_utils.fonts import use_hangul_font

        use_hangul_font()
    elif "course_utils.fonts" in sys.modules:
        sys.modules["course_utils.fonts"].restore_font()


def get_language() -> Language:
    """The language in use ("en" unless :func:`set_language` chose another)."""
    return _current[0]


def say(english: str, **fields: Any) -> str:
    """``english`` (a ``str.format`` template) in the language in use, filled with ``fields``."""
    template = _CATALOGS.get(_current[0], {}).get(english, english)
    return template.format(**fields)


@contextmanager
def speaking(language: Language) -> Iterator[None]:
    """Speak ``language`` inside the ``with`` block, then the language before it again (e.g. English
    for a text that is recorded as data and compared, such as ``TrainingSetup.changes``); the
    figures' font follows, as with :func:`set_language`."""
    before = get_language()
    set_language(language)
    try:
        yield
    finally:
        set_language(before)
