"""course_utils.language: what a student reads, in English (the default) or Korean."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import course_utils
from course_utils.checks import _verdict
from course_utils.language import get_language, say, set_language
from course_utils.locales import ko
from course_utils.sizes import training_setup

PACKAGE = Path(course_utils.__file__).resolve().parent


@pytest.fixture
def korean():
    set_language("ko")
    _verdict.reset_attempts()
    yield
    set_language("en")
    _verdict.reset_attempts()


def _templates_passed_to_say() -> dict[str, str]:
    """Every string literal given as the first argument of ``say(...)`` in the package, with where."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say" and node.args:
                first = node.args[0]
                branches = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
                for branch in branches:
                    if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                        found[branch.value] = f"{path.relative_to(PACKAGE)}:{node.lineno}"
    return found


def _string_literals() -> set[str]:
    return {node.value for path in PACKAGE.rglob("*.py") if "locales" not in path.parts
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_english_is_the_default_and_korean_is_chosen_by_set_language():
    assert get_language() == "en"
    assert say("✅ Correct: {expected}.", expected=3) == "✅ Correct: 3."
    set_language("ko")
    try:
        assert get_language() == "ko"
        assert say("✅ Correct: {expected}.", expected=3) == "✅ 정답: 3."
        assert course_utils.set_language is set_language
    finally:
        set_language("en")


@pytest.mark.parametrize("bad", ["kr", "KO", "", None, 1])
def test_an_unknown_language_is_refused_with_the_choices(bad):
    with pytest.raises(ValueError, match=r"'en', 'ko'.*set_language\('ko'\)"):
        set_language(bad)
    assert get_language() == "en"


def test_every_template_the_package_says_has_its_korean_translation():
    used = _templates_passed_to_say()
    assert len(used) >= 20
    missing = {template: where for template, where in used.items() if template not in ko.TEMPLATES}
    assert missing == {}


def test_every_korean_template_translates_a_text_of_the_package_with_the_same_fields():
    literals = _string_literals()
    assert [english for english in ko.TEMPLATES if english not in literals] == []

    def fields(template):
        return sorted(name for _, name, spec, _ in string.Formatter().parse(template) if name is not None)

    assert {e: fields(k) for e, k in ko.TEMPLATES.items() if fields(e) != fields(k)} == {}


def test_a_self_check_answers_in_korean(korean, capsys):
    @_verdict.answer_check
    def check_square(answer, n):
        _verdict.report(_verdict.as_int(answer) == n * n, answer, n * n, hint="multiply", why="3·3 = 9\nso 9")

    check_square(..., 3)
    check_square(10, 3)
    check_square(11, 3)
    check_square(9, 3)
    _verdict.show_solution()
    assert capsys.readouterr().out.splitlines() == [
        "✏️ ... 자리에 답을 쓰고 셀을 다시 실행하세요.",
        "❌ 아직 아닙니다: 입력한 답은 10.",
        "💡 힌트: multiply",
        "   다시 해 보거나, show_solution()을 실행해 풀이를 보세요.",
        "❌ 아직 아닙니다: 입력한 답은 11, 정답은 9.",
        "   이유: 3·3 = 9",
        "         so 9",  # the second line of the why lines up under the first
        "✅ 정답: 9.",
        "   이유: 3·3 = 9",
        "         so 9",
        "풀이: 9.",
        "   이유: 3·3 = 9",
        "         so 9",
    ]


def test_the_size_line_of_a_training_cell_is_korean(korean):
    assert str(training_setup("lenet", "book", verbose=False)) == "[크기 book: 호출에서 지정] LeNet: 책의 설정 그대로"
    line = str(training_setup("resnet18", "cpu", verbose=False))
    assert line.startswith("[크기 cpu: 호출에서 지정] ResNet18: 28x28 이미지(책 96x96), 학습률 0.05(책 0.01)")
    assert "12 에포크(책 10)" in line and "ResNet18(width=0.5)(책 1.0)" in line


def test_the_size_line_stays_english_by_default():
    assert str(training_setup("lenet", "book", verbose=False)) == "[size book: chosen in the call] LeNet: the book's settings"
