"""course_utils.language: what a student reads, in English (the default) or Korean."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
import torch
from torch import nn

import course_utils
from course_utils import checks
from course_utils.checks import _verdict
from course_utils.language import get_language, say, set_language
from course_utils.locales import ko
from course_utils.shapes import LayerSpec
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


# --------------------------------------------------------------------------- self-checks: hints, worked answers, wrong=
def _repeats_the_edge(X, p):
    """Mirror padding that repeats the border pixel: a typical wrong mirror_pad."""
    rows = torch.cat([X[:p].flip(0), X, X[-p:].flip(0)], 0)
    return torch.cat([rows[:, :p].flip(1), rows, rows[:, -p:].flip(1)], 1)


def _answer_some_checks_wrongly(capsys) -> list[str]:
    """A few self-checks of different modules answered wrongly (a hint, then the worked answer)."""
    _verdict.reset_attempts()
    checks.check_conv_param_count(100, in_channels=1, out_channels=6, kernel_size=5)
    checks.check_conv_param_count(100, in_channels=1, out_channels=6, kernel_size=5)
    checks.check_window_count(3, input_size=(4, 4), kernel_size=2, pixel=(0, 1))
    checks.show_solution()
    checks.check_mirror_pad(_repeats_the_edge)
    checks.check_max_blocks(8, image_size=224)
    checks.check_max_blocks(8, image_size=224)
    checks.check_norm_statistics(32, "batch", (32, 64, 14, 14))
    checks.check_pool2d(torch.zeros(2, 2), torch.arange(16.0).reshape(4, 4), 2, mode="avg")
    _verdict.reset_attempts()
    return capsys.readouterr().out.splitlines()


_AGAIN = "   Try again, or run show_solution() to see the worked answer."


def test_the_self_checks_stay_word_for_word_english_by_default(capsys):
    assert get_language() == "en"
    assert _answer_some_checks_wrongly(capsys) == [  # the output before the checks went through say()
        "❌ Not quite: you answered 100.",
        "💡 Hint: every output channel has one k_h × k_w kernel per input channel, plus one bias.",
        _AGAIN,
        "❌ Not quite: you answered 100, expected 156.",
        "   Why: weights 6·1·5·5 = 150 + biases 6 = 156",
        "❌ Not quite: you answered 3.",
        "💡 Hint: count the window positions (top-left corner (i, j), 0 <= i <= n_h − k_h, 0 <= j <= n_w − k_w) "
        "whose window covers the pixel, one side at a time, then multiply.",
        _AGAIN,
        "Solution: 2.",
        "   Why: rows: the windows starting at rows 0…0 cover row 0 (1 of them)",
        "        columns: the windows starting at columns 0…1 cover column 1 (2 of them)",
        "        1 · 2 = 2 windows read pixel (0, 1)",
        "❌ Not quite: mirror_pad((4, 5), 1) gives different values (your border repeats the edge pixel; reflection "
        "mirrors around it, so the edge appears once).",
        "💡 Hint: the p rows above X are rows p, p−1, …, 1 of X (row 0 is the edge and is not repeated): "
        "X[1:p + 1].flip(0); do the rows first, then the columns of the taller tensor.",
        _AGAIN,
        "❌ Not quite: you answered 8.",
        "💡 Hint: each block's 2×2 pooling with stride 2 halves the side, rounding down; count the halvings until the "
        "side is 1, the last size a block can still receive and shrink no further.",
        _AGAIN,
        "❌ Not quite: you answered 8, expected 7.",
        "   Why: 224 → 112 → 56 → 28 → 14 → 7 → 3 → 1: 7 blocks; block 8 would get 1×1 and has no 2×2 window to pool",
        "        (⌊log₂ 224⌋ = 7)",
        "❌ Not quite: you answered 32.",
        "💡 Hint: ask which axes are averaged over and which are kept: batch normalization keeps one mean per channel; "
        "multiply the sizes of the kept axes.",
        _AGAIN,
        "❌ Not quite: right shape, different values.",
        "💡 Hint: slide a 2 window with stride 2 over each channel separately and take the mean of each window; the "
        "channels are not mixed.",
        _AGAIN,
    ]


def test_the_self_checks_give_their_hints_worked_answers_and_wrong_texts_in_korean(korean, capsys):
    lines = _answer_some_checks_wrongly(capsys)
    hints = [line for line in lines if line.startswith("💡")]
    assert len(hints) == 6 and all(line.startswith("💡 힌트: ") for line in hints)
    assert lines[1] == "💡 힌트: 출력 채널마다 입력 채널 하나당 k_h × k_w 커널이 하나씩 있고, 편향도 하나 있습니다."
    assert lines[4] == "   이유: 가중치 6·1·5·5 = 150 + 편향 6 = 156"
    assert lines[8:12] == [
        "풀이: 2.",
        "   이유: 행: 시작 행이 0…0인 창이 행 0에 걸칩니다(1개)",
        "         열: 시작 열이 0…1인 창이 열 1에 걸칩니다(2개)",
        "         1 · 2 = 2개의 창이 픽셀 (0, 1)을 읽습니다",
    ]
    assert lines[12] == ("❌ 아직 아닙니다: mirror_pad((4, 5), 1)의 값이 다릅니다(테두리에서 가장자리 픽셀이 반복됩니다. "
                         "반사는 가장자리를 축으로 뒤집으므로 가장자리는 한 번만 나옵니다).")
    assert lines[19] == ("   이유: 224 → 112 → 56 → 28 → 14 → 7 → 3 → 1: 블록 7개. 8번째 블록은 1×1 크기를 받게 되어 "
                         "풀링할 2×2 창이 없습니다")
    assert lines[22] == ("💡 힌트: 어느 축에 걸쳐 평균을 내고 어느 축을 남기는지 생각해 보세요: 배치 정규화는 채널마다 "
                         "평균 하나를 남깁니다. 남는 축의 크기를 곱하세요.")
    assert lines[25] == "💡 힌트: 크기 2, 보폭 2인 창을 채널마다 따로 밀면서 창마다 평균을 구하세요. 채널끼리는 섞이지 않습니다."


_HANGUL = re.compile(r"[가-힣]")


_FORMULA_ONLY = {"output_shape", "pool_output_shape", "convolution_value"}  # their worked answer is a formula
_CALLS = {
    "output_shape": lambda: checks.check_output_shape((3, 3), input_shape=(8, 10), kernel_size=3, padding=1, stride=2),
    "pool_output_shape": lambda: checks.check_pool_output_shape(5, input_shape=8, kernel_size=2),
    "receptive_field": lambda: checks.check_receptive_field((3, 3), [LayerSpec("conv", 3),
                                                                     LayerSpec("pool", 2, stride=2)]),
    "corr2d": lambda: checks.check_corr2d(torch.zeros(2, 2), torch.arange(9.0).reshape(3, 3), torch.ones(2, 2)),
    "module_output_shape": lambda: checks.check_module_output_shape((1, 6, 8, 8), nn.Conv2d(1, 6, 3), (1, 1, 8, 8)),
    "convolution_value": lambda: checks.check_convolution_value(3, [1, 2, 3], [4, 5, 6], 2),
    "blur_kernel": lambda: checks.check_blur_kernel(torch.ones(3, 3)),
    "pool_cost": lambda: checks.check_pool_cost(2, input_shape=(2, 28, 28), pool_size=2),
    "max_from_relu": lambda: checks.check_max_from_relu(lambda a, b: torch.maximum(a, b)),
    "output_memory": lambda: checks.check_output_memory(1.0, nn.Sequential(nn.Conv2d(1, 2, 3)), (4, 1, 8, 8)),
    "bottleneck_saving": lambda: checks.check_bottleneck_saving(1, 192, 16, 32, kernel_size=5, size=12),
    "running_mean": lambda: checks.check_running_mean(5.0, batch_means=[5.0, 5.0]),
    "normalizer": lambda: checks.check_normalizer(lambda X: X, "layer"),
}


@pytest.mark.parametrize("name", list(_CALLS))
def test_every_kind_of_check_hints_and_explains_in_korean(korean, name, capsys):
    _CALLS[name]()
    first = capsys.readouterr().out.splitlines()
    assert first[0].startswith("❌ 아직 아닙니다: ") and first[1].startswith("💡 힌트: ") and _HANGUL.search(first[1])
    _CALLS[name]()
    why = capsys.readouterr().out.split("   이유: ", 1)[1]
    assert name in _FORMULA_ONLY or _HANGUL.search(why), why


def test_what_a_run_records_stays_english_while_the_student_reads_korean(korean):
    run = training_setup("resnet18", "cpu", verbose=False)
    assert run.changes.startswith("28x28 images (book 96x96), lr 0.05 (book 0.01)")  # the results files' words
    assert str(run).startswith("[크기 cpu: 호출에서 지정] ResNet18: 28x28 이미지(책 96x96)")
    assert get_language() == "ko"


class _TinyNet(course_utils.models.Classifier):
    def __init__(self, lr: float = 0.5) -> None:
        super().__init__(lr, 10)
        self.net = nn.Sequential(nn.LazyConv2d(4, kernel_size=3, stride=2), nn.ReLU(), nn.Flatten(), nn.LazyLinear(10))


class _InterruptAt(course_utils.callbacks.Callback):
    def after_batch(self, trainer) -> None:
        if (trainer.epoch, trainer.batch_idx) == (1, 2):
            raise KeyboardInterrupt


@pytest.mark.usefixtures("one_thread")
def test_the_trainers_lines_are_korean_and_say_the_same_numbers(korean, capsys):
    data = course_utils.FashionMNIST(batch_size=64, source="sample", num_train=320)
    torch.manual_seed(0)
    history = course_utils.Trainer(2, num_gpus=1, callbacks=[_InterruptAt()]).fit(_TinyNet(), data)
    out = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    if not torch.cuda.is_available() and not torch.backends.mps.is_available():
        assert out[0] == "num_gpus=1이지만 GPU가 없습니다. CPU에서 학습합니다"
    first = next(line for line in out if line.startswith("[장치 "))
    assert "Fashion-MNIST 표본: 학습 이미지 320장 / 검증 이미지 500장, 28x28, 배치 64 | _TinyNet, 학습률 0.5, 2 에포크" in first
    assert "사용자 중단: 에포크 2, 배치 3에서 멈췄습니다" in "\n".join(out)
    last = out[-1]
    m = history[-1]
    assert last.startswith(f"완료: train_loss {m.train_loss:.4f}, val_loss {m.val_loss:.4f}, val_acc {m.val_acc:.4f} | ")
    assert re.search(r"\d초\(1 에포크\)$", last), last
    assert history.status == "interrupted"  # the data stays English: only what is shown is Korean


def test_an_early_stop_and_a_bad_learning_rate_are_explained_in_korean(korean):
    stop = course_utils.callbacks.EarlyStopping(patience=2)
    trainer = type("T", (), {"history": [type("M", (), {"epoch": e, "val_loss": v})() for e, v in
                                         [(1, 0.5), (2, 0.6), (3, 0.7)]]})()
    with pytest.raises(course_utils.callbacks.CancelFitException, match=r"^조기 종료: val_loss가 2 에포크 동안 "
                       r"나아지지 않았습니다\(최저 0\.5000, 에포크 1\)$"):
        stop.after_epoch(trainer)
    assert course_utils.callbacks._lr_advice(0.5) == "더 낮은 학습률(예: lr=0.5 대신 lr=0.05)이나 gradient_clip_val=1을 써 보세요."
    assert course_utils.formatting.duration(75.3) == "1분 15초"
    set_language("en")
    assert course_utils.formatting.duration(75.3) == "1 min 15 s"


def test_the_comparison_of_8_7_speaks_korean_and_still_finds_its_measurements(korean):
    from course_utils.comparison import compare_models
    from course_utils.formatting import display_width

    korean_table = compare_models("cpu", keys=("lenet", "resnet18"))
    set_language("en")
    english_table = compare_models("cpu", keys=("lenet", "resnet18"))
    set_language("ko")
    assert korean_table.header[:5] == ("모델", "이미지", "매개변수", "MACs/이미지", "수용 영역")
    assert [r.changes for r in korean_table.rows] == [r.changes for r in english_table.rows]  # the English key
    assert [r.val_acc for r in korean_table.rows] == [r.val_acc for r in english_table.rows] != [None, None]
    text = str(korean_table)
    assert "ResNet18: 28x28 이미지(책 96x96), 학습률 0.05(책 0.01)" in text and "측정한 곳: " in text
    assert "ResNet18: 28x28 images" in str(english_table)
    header, rule, *body = text.splitlines()[:4]
    assert display_width(rule) == display_width(header)
    # the columns line up in a monospaced font: each column starts at the same display column in every line
    starts = [display_width(header[:header.index(name)]) for name in ("이미지", "매개변수")]
    for line in body:
        cells = line.split()
        assert [display_width(line[:line.index(cells[1])]), display_width(line[:line.index(cells[2])]) +
                display_width(cells[2]) - display_width("매개변수")] == starts


def test_no_english_template_is_translated_twice():
    """A key given twice in the dictionary would silently keep the last translation only."""
    tree = ast.parse(Path(ko.__file__).read_text(encoding="utf-8"))
    catalog = next(node for node in ast.walk(tree) if isinstance(node, ast.Dict))
    keys = [key.value for key in catalog.keys]
    assert len(keys) == len(ko.TEMPLATES) > 700
    assert sorted({key for key in keys if keys.count(key) > 1}) == []
