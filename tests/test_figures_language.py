"""The figures in Korean: every word the package writes into a figure is Korean under set_language("ko"),
drawn with a font that has Hangul (course_utils.fonts); English stays as it was.

The font tests need a font with Hangul on the machine (``apt-get install fonts-nanum`` or
``pip install koreanize-matplotlib``): without one they are skipped, or fail where
``COURSE_REQUIRE_BROWSER`` or ``CI`` is set (the rule of the browser tests' Korean-font check).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import matplotlib
import pytest
import torch
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from torch import nn

from course_utils import diagrams as dg
from course_utils import fonts
from course_utils import illustrations as il
from course_utils import plotting as pl
from course_utils.data import TEXT_LABELS
from course_utils.language import get_language, set_language, speaking
from course_utils.models import (
    VGG,
    VGG_ARCHS,
    AlexNet,
    GoogleNet,
    Inception,
    LeNet,
    Residual,
    ResNet18,
    ResNeXtBlock,
)

matplotlib.use("Agg")

REMEDY = "pip install koreanize-matplotlib"
_HANGUL = re.compile(r"[가-힣]")


def _required() -> bool:
    return any(os.environ.get(name, "").strip() not in ("", "0") for name in ("COURSE_REQUIRE_BROWSER", "CI"))


def no_hangul_font() -> None:
    message = (f"this machine has no font with Hangul for matplotlib: {REMEDY}, or on Debian/Ubuntu "
               "sudo apt-get install fonts-nanum")
    if _required():
        pytest.fail(f"{message} (COURSE_REQUIRE_BROWSER or CI is set, so a missing font is a failure)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def korean():
    """Korean for the test (matplotlib's font settings as they were afterwards); no warning if no font."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        set_language("ko")
    yield
    set_language("en")


@pytest.fixture
def hangul_font(korean) -> str:
    family = fonts.find_hangul_font()
    if family is None:
        no_hangul_font()
    assert matplotlib.rcParams["font.family"][0] == family
    return family


@pytest.fixture
def fresh_font_state(monkeypatch):
    """use_hangul_font as in a new kernel: it has changed nothing and warned about nothing."""
    set_language("en")
    monkeypatch.setattr(fonts, "_state", {"before": None, "warned": False})
    yield
    fonts.restore_font()


# ----------------------------------------------------------------------------- every figure the notebooks draw


class _Skips(nn.Module):
    """A model whose forward leaves one layer out: that layer's output shape is "not run"."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.AdaptiveAvgPool2d((2, 2)), nn.AdaptiveMaxPool2d(1),
                                 nn.LayerNorm(2), nn.Linear(2, 2))

    def forward(self, X):
        return self.net[2](self.net[1](self.net[0](X)))


def _history(epochs: int = 3) -> list:
    from types import SimpleNamespace

    return [SimpleNamespace(epoch=e, train_loss=1 / e, val_acc=0.5 + e / 20) for e in range(1, epochs + 1)]


def _activation_figure() -> Figure:
    torch.manual_seed(0)
    images = [torch.rand(28, 28) for _ in range(2)]
    maps = [torch.rand(6, 28, 28) for _ in range(2)]
    probabilities = [torch.softmax(torch.randn(10), 0) for _ in range(2)]
    return pl.plot_activation_comparison(images, ["0", "1"], maps, probabilities, TEXT_LABELS)


_ROWS = [{"model": "LeNet", "params": 61_706, "macs": 429_000, "val_acc": 0.82},
         {"model": "AlexNet", "params": 46_787_978, "macs": 939_000_000, "val_acc": None}]

# figure -> (how to draw it, Korean texts it must write). The notebooks' calls, small where that keeps them fast.
FIGURES: dict[str, tuple[Callable[[], Figure], tuple[str, ...]]] = {
    "cross_correlation": (il.cross_correlation_figure, (
        "교차 상관: 각 출력은 X의 창과 K를 원소끼리 곱해 모두 더한 값입니다", "입력 X", "커널 K", "출력 Y")),
    "receptive_field": (il.receptive_field_figure, (
        "입력 X 3×3", "중간 층 2×2", "출력 1×1", "출력[0, 0]의 수용 영역: 중간 층의 셀 4개 중 4개, 입력의 셀 9개 중 9개",
        "중간 층[1, 1]의 수용 영역: 입력의 셀 9개 중 4개")),
    "detector": (il.detector_figure, ("장면: 샘플 이미지 4×6장", "0보다 작은 값은 0으로 표시")),
    "pixel_use": (il.pixel_use_figure, (
        "8×8 입력의 각 픽셀을 읽는 창의 수", "k = 1: 출력 8×8개\n모든 픽셀을 1번 읽음",
        "k = 3: 출력 6×6개\n1번(모서리)에서 9번까지 읽음")),
    "padding": (il.padding_figure, ("입력 X(패딩 1)", "커널 K")),
    "stride": (il.stride_figure, ("입력 X(패딩 1)",)),
    "multi_input": (il.multi_input_figure, (
        "채널 0만", "채널 합산", "여러 입력 채널: 입력 채널마다 커널 채널이 하나씩 있고, 그 결과를 더합니다")),
    "conv1x1": (il.conv1x1_figure, ("W: 출력마다 한 행", "1×1 합성곱은 픽셀마다 채널을 섞습니다: 출력 채널마다 가중합 하나")),
    "pooling_max": (lambda: il.pooling_figure("max"), ("최대 풀링: 2×2 창, 보폭 1", "2×2\n최대", "출력")),
    "pooling_avg": (lambda: il.pooling_figure("avg"), ("평균 풀링: 2×2 창, 보폭 1", "2×2\n평균")),
    "function_classes": (il.function_classes_figure, (
        "함수 클래스: 중첩된 클래스만이 용량이 커질수록 $f^*$에 더 가까워짐을 보장합니다",)),
    "feature_maps": (lambda: pl.plot_feature_maps(torch.rand(4, 6, 6)), ("채널 0", "채널 3")),
    "kernels": (lambda: pl.plot_kernels(torch.randn(3, 1, 5, 5)), ("출력 0", "출력 2")),
    "activation_comparison": (_activation_figure, ("예측 확률", "conv1 채널 0", "conv1 채널 5")),
    "training_curves": (lambda: pl.plot_training_curves({"LeNet": _history(), "BNLeNet": _history()}),
                        ("훈련 손실", "검증 정확도", "에포크")),
    "scale_shift": (lambda: pl.plot_scale_shift(torch.randn(6), torch.randn(6)),
                    ("배율 γ (gamma)", "이동 β (beta)", "채널", "초깃값 1", "초깃값 0")),
    "model_comparison": (lambda: pl.plot_model_comparison(_ROWS), (
        "매개변수 수", "이미지당 곱셈-누산 횟수", "이미지당 MACs", "검증 정확도", "측정된 정확도 (측정 안 됨: AlexNet)")),
    "model_comparison_unmeasured": (lambda: pl.plot_model_comparison(_ROWS[1:]),
                                    ("이 크기에서는 측정된 정확도가 없습니다",)),
    "lenet": (lambda: dg.architecture_figure(LeNet(), (1, 1, 28, 28)), (
        "입력 1×28×28", "합성곱 5×5, 6, 패딩 2 + sigmoid", "평균 풀링 2×2, 보폭 2", "평탄화", "완전 연결 120 + sigmoid",
        "출력 10")),
    "lenet_alexnet": (lambda: dg.compare_architectures_figure(
        {"LeNet": (LeNet(), (1, 1, 28, 28)), "AlexNet": (AlexNet(width=0.25), (1, 1, 224, 224))}),
        ("최대 풀링 3×3, 보폭 2", "드롭아웃 0.5", "합성곱 11×11, 24, 패딩 1, 보폭 4 + ReLU")),
    "vgg": (lambda: dg.architecture_figure(VGG(VGG_ARCHS["tiny"], num_hiddens=64), (1, 1, 32, 32)),
            ("블록 0", "최대 풀링 2×2, 보폭 2")),
    "googlenet": (lambda: dg.architecture_figure(GoogleNet(width=0.25), (1, 1, 96, 96)), ("전역 평균 풀링",)),
    "resnet18": (lambda: dg.architecture_figure(ResNet18(width=0.25), (1, 1, 96, 96)), (
        "Residual 32, 보폭 2", "배치 정규화 + ReLU", "최대 풀링 3×3, 보폭 2, 패딩 1", "전역 평균 풀링")),
    "residual_boxes": (lambda: dg.architecture_figure(
        nn.Sequential(Residual(16, use_1x1conv=True, strides=2), Residual(16)), (1, 8, 8, 8)), (
        "Residual 16, 보폭 2", "2 × 합성곱 3×3, 16 + 배치 정규화", "지름길: 합성곱 1×1, 16, 보폭 2", "지름길: 항등")),
    "resnext_boxes": (lambda: dg.architecture_figure(
        nn.Sequential(ResNeXtBlock(64, 8, 0.5, use_1x1conv=True, strides=2), ResNeXtBlock(64, 8, 0.5)), (1, 32, 8, 8)), (
        "ResNeXt 64, 그룹 8, 보폭 2", "1×1 32 → 3×3 32(그룹 8개) → 1×1 64", "지름길: 합성곱 1×1, 64, 보폭 2",
        "ResNeXt 64, 그룹 8")),
    "other_layers": (lambda: dg.architecture_figure(_Skips(), (1, 1, 6, 6)), (
        "적응형 평균 풀링 → 2×2", "전역 최대 풀링", "정규화", "(실행 안 됨)")),
    "inception": (lambda: dg.block_figure(Inception(64, (96, 128), (16, 32), 32), (1, 192, 28, 28)), (
        "입력", "출력", "최대 풀링 3×3, 패딩 1", "채널 방향으로 연결: 64 + 128 + 32 + 32 = 256")),
    "residual": (lambda: dg.block_figure(Residual(16), (1, 16, 8, 8)), ("항등", "+ (더하기)")),
    "residual_1x1": (lambda: dg.block_figure(Residual(16, use_1x1conv=True, strides=2), (1, 8, 8, 8)),
                     ("지름길", "합성곱 1×1, 16, 보폭 2")),
    "resnext": (lambda: dg.block_figure(ResNeXtBlock(64, 8, 0.5), (1, 64, 6, 6)), ("합성곱 3×3, 32, 패딩 1, 그룹 8",)),
}

# Words a figure may write in any language: names of models, modules (ResNet's "last") and activations,
# the letters of the formulas, and the Fashion-MNIST classes.
NAMES = {
    "X", "Y", "K", "W", "out_h", "out_w", "conv1", "max", "mean", "gamma", "beta", "MACs",
    "ReLU", "sigmoid", "Inception", "Residual", "ResNeXt", "ResNeXtBlock", "LeNet", "AlexNet", "BNLeNet", "VGG",
    "GoogleNet", "ResNet18", "last", "_Skips", "Sequential",
    *(word for label in TEXT_LABELS for word in re.findall(r"[A-Za-z]+", label)),
}


def figure_texts(fig: Figure) -> list[str]:
    """Every text of a drawn figure: its own, each Axes' texts, titles, axis labels, legend and tick labels."""
    FigureCanvasAgg(fig).draw()  # tick labels exist once drawn
    texts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        texts += [t.get_text() for t in ax.texts]
        texts += [ax.get_title(loc) for loc in ("left", "center", "right")] + [ax.get_xlabel(), ax.get_ylabel()]
        if ax.get_legend() is not None:
            texts += [t.get_text() for t in ax.get_legend().get_texts()]
        texts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return [text for text in texts if text]


def english_words(texts: list[str]) -> list[str]:
    """The words of ``texts`` written in Latin letters that are no name, formula or class (math ``$...$`` left out)."""
    words = []
    for text in texts:
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", re.sub(r"\$[^$]*\$", "", text)):
            if len(word.strip("_0123456789")) > 1 and word not in NAMES:
                words.append(word)
    return words


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_figure_writes_its_words_in_korean(korean, name):
    make, expected = FIGURES[name]
    texts = figure_texts(make())
    shown = set(texts) | {text.replace("\n", " ") for text in texts}  # a long diagram label goes on two lines
    missing = [text for text in expected if text not in shown]
    assert missing == [], texts
    assert english_words(texts) == [], texts


@pytest.mark.parametrize("name", list(FIGURES))
def test_in_english_the_same_check_finds_the_english_words(name):
    """The check above can fail: in English every figure has words it would flag, and no Hangul."""
    assert get_language() == "en"
    texts = figure_texts(FIGURES[name][0]())
    assert english_words(texts) != []
    assert not any(_HANGUL.search(text) for text in texts)


def test_caller_titles_and_class_names_stay_as_given(korean):
    texts = figure_texts(pl.plot_feature_maps(torch.rand(2, 4, 4), title="conv 2 + sigmoid"))
    assert "conv 2 + sigmoid" in texts and "채널 1" in texts
    assert "input 28×28" in figure_texts(pl.plot_images([torch.rand(4, 4)], titles=["input 28×28"]))
    texts = figure_texts(dg.block_figure(Residual(8), (1, 8, 6, 6), title="a residual block"))
    assert "a residual block" in texts
    texts = figure_texts(_activation_figure())
    assert all(label in texts for label in TEXT_LABELS)
    texts = figure_texts(il.detector_figure())
    assert f"템플릿(커널):\n{il.detector_scene().label}, 28×28" in texts


def test_box_labels_are_korean_data_too(korean):
    boxes = dg.architecture_boxes(LeNet(), (1, 1, 28, 28))
    assert [box.label for box in boxes[:2]] == ["합성곱 5×5, 6, 패딩 2 + sigmoid", "평균 풀링 2×2, 보폭 2"]
    graph = dg.block_graph(Residual(8, use_1x1conv=True, strides=2), (1, 3, 16, 16))
    assert graph.node("conv3").label == "합성곱 1×1, 8, 보폭 2" and graph.nodes[0].label == "입력"


def _boxed_texts(fig: Figure) -> list[tuple[str, float, float, float, float]]:
    """(text, text left, text right, box left, box right) in pixels, for every text drawn inside a box."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    (ax,) = fig.axes
    boxes = [patch.get_window_extent(renderer) for patch in ax.patches if isinstance(patch, FancyBboxPatch)]
    found = []
    for text in ax.texts:
        extent = text.get_window_extent(renderer)
        centre = ((extent.x0 + extent.x1) / 2, (extent.y0 + extent.y1) / 2)
        for box in boxes:
            if box.contains(*centre):
                found.append((text.get_text(), extent.x0, extent.x1, box.x0, box.x1))
                break
    return found


@pytest.mark.parametrize("name", ["lenet_alexnet", "resnet18", "inception", "residual_1x1", "resnext_boxes"])
def test_korean_labels_fit_in_their_boxes(hangul_font, name):
    found = _boxed_texts(FIGURES[name][0]())
    assert len(found) >= 4 and any(_HANGUL.search(text) for text, *_ in found)
    overflowing = [text for text, left, right, box_left, box_right in found if left < box_left or right > box_right]
    assert overflowing == []


def test_a_long_hangul_label_fits_too(hangul_font, monkeypatch):
    """A Hangul syllable is about 1.5 Latin letters wide: boxes sized by len() would be too narrow for this one."""
    from course_utils.locales import ko

    long = "아주아주아주아주아주긴평탄화층"
    monkeypatch.setitem(ko.TEMPLATES, "flatten", long)
    monkeypatch.setitem(ko.TEMPLATES, "+ (add)", long)
    figures = [dg.architecture_figure(nn.Sequential(nn.Flatten()), (1, 1, 2, 2)),
               dg.block_figure(Residual(4), (1, 4, 4, 4))]
    for fig in figures:
        found = [(left, right, box_left, box_right) for text, left, right, box_left, box_right in _boxed_texts(fig)
                 if text.replace("\n", "") == long]
        assert len(found) == 1
        ((left, right, box_left, box_right),) = found
        assert box_left <= left and right <= box_right


# ----------------------------------------------------------------------------- the font draws every glyph


def _missing_glyphs(make: Callable[[], Figure], caplog) -> list[str]:
    """The missing-glyph messages of drawing ``make()`` to PNG: matplotlib's warnings and mathtext's log lines."""
    caplog.clear()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("always")
        pl.figure_to_png(make())
    messages = [str(w.message) for w in caught] + [record.getMessage() for record in caplog.records]
    return [m for m in messages if "missing from font" in m or "does not have a glyph" in m]


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_korean_figure_draws_every_glyph(hangul_font, name, caplog):
    make = FIGURES[name][0]
    assert _missing_glyphs(make, caplog) == []
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):  # the check can fail: DejaVu has no Hangul
        assert any("missing from font" in m or "does not have a glyph" in m for m in _missing_glyphs(make, caplog))


def test_no_weight_warning_for_bold_hangul(hangul_font, caplog):
    """The diagrams' bold labels find a bold face of the Hangul font: matplotlib logs no substitution."""
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        pl.figure_to_png(FIGURES["lenet"][0]())
    assert [r.getMessage() for r in caplog.records if "Failed to find font weight" in r.getMessage()] == []


# ----------------------------------------------------------------------------- course_utils.fonts


def test_korean_uses_a_hangul_font_and_english_gives_the_settings_back(fresh_font_state):
    original = matplotlib.rcParams["font.family"]
    matplotlib.rcParams["font.family"] = ["serif"]  # a student's own setting, to be given back
    before = {key: matplotlib.rcParams[key] for key in fonts._CHANGED}
    try:
        set_language("ko")
        family = matplotlib.rcParams["font.family"][0]
        if fonts.find_hangul_font() is None:
            no_hangul_font()
        assert matplotlib.rcParams["font.family"] == [family, "DejaVu Sans"]
        path = font_manager.findfont(font_manager.FontProperties(family=family))
        assert fonts.has_hangul(path)
        assert matplotlib.rcParams["axes.unicode_minus"] == fonts._family_has_minus(family)
        assert matplotlib.rcParams["figure.constrained_layout.h_pad"] >= fonts.H_PAD
        set_language("ko")  # twice: still the settings of before the first
        set_language("en")
        assert {key: matplotlib.rcParams[key] for key in fonts._CHANGED} == before
        set_language("en")
        assert {key: matplotlib.rcParams[key] for key in fonts._CHANGED} == before
    finally:
        set_language("en")
        matplotlib.rcParams["font.family"] = original


def test_speaking_korean_for_a_while_gives_the_font_back(fresh_font_state):
    before = list(matplotlib.rcParams["font.family"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with speaking("ko"):
            assert get_language() == "ko"
    assert get_language() == "en" and list(matplotlib.rcParams["font.family"]) == before


def test_no_hangul_font_warns_once_with_the_remedy_and_changes_nothing(fresh_font_state, monkeypatch):
    monkeypatch.setattr(fonts, "find_hangul_font", lambda: None)
    before = {key: matplotlib.rcParams[key] for key in fonts._CHANGED}
    with pytest.warns(UserWarning, match=r"No font with Hangul.*pip install koreanize-matplotlib.*fonts-nanum"):
        assert fonts.use_hangul_font() is None
    assert {key: matplotlib.rcParams[key] for key in fonts._CHANGED} == before
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fonts.use_hangul_font() is None  # once is enough
    fonts.restore_font()
    assert {key: matplotlib.rcParams[key] for key in fonts._CHANGED} == before


def test_the_warning_speaks_korean_when_set_language_chose_korean(fresh_font_state, monkeypatch):
    monkeypatch.setattr(fonts, "find_hangul_font", lambda: None)
    with pytest.warns(UserWarning, match=r"한글 글꼴을 찾지 못해.*pip install koreanize-matplotlib"):
        set_language("ko")
    set_language("en")


def test_the_preferred_family_wins_then_any_with_hangul(monkeypatch):
    def entry(name: str, fname: str):
        return font_manager.FontEntry(fname=fname, name=name)

    with_hangul = {"zed.ttf", "noto.otf", "nanum.ttf"}
    monkeypatch.setattr(fonts, "has_hangul", lambda path, index=0: str(path) in with_hangul)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [])
    monkeypatch.setattr(fonts, "_koreanize_fonts", lambda: [])
    listed = [entry("DejaVu Sans", "dejavu.ttf"), entry("Zed", "zed.ttf"), entry("Noto Sans KR", "noto.otf"),
              entry("NanumGothic", "nanum.ttf")]
    for entries, family in ((listed, "NanumGothic"), (listed[:3], "Noto Sans KR"), (listed[:2], "Zed"),
                            (listed[:1], None)):
        monkeypatch.setattr(font_manager.fontManager, "ttflist", list(entries))
        assert fonts.find_hangul_font() == family


def _a_hangul_font_file() -> Path:
    for entry in font_manager.fontManager.ttflist:
        if entry.name == "NanumGothic" and fonts.has_hangul(entry.fname):
            return Path(entry.fname)
    no_hangul_font()
    raise AssertionError  # not reached


def test_fonts_installed_after_matplotlibs_cache_are_found(monkeypatch):
    path = _a_hangul_font_file()
    without = [e for e in font_manager.fontManager.ttflist if not fonts.has_hangul(e.fname, getattr(e, "index", 0))]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", without)  # as if the cache predated the install
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [str(path)])
    monkeypatch.setattr(fonts, "_koreanize_fonts", lambda: [])
    assert fonts.find_hangul_font() == "NanumGothic"
    assert str(path) in {e.fname for e in font_manager.fontManager.ttflist}


def test_the_fonts_of_koreanize_matplotlib_are_added_without_importing_it(monkeypatch, tmp_path):
    """Where the system has no Hangul font (Colab), the NanumGothic files the package ships are used."""
    source = _a_hangul_font_file()
    package = tmp_path / "koreanize_matplotlib"
    (package / "fonts").mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('imported')\n", encoding="utf-8")
    shutil.copy(source, package / "fonts" / "NanumGothic.ttf")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "koreanize_matplotlib", raising=False)
    without = [e for e in font_manager.fontManager.ttflist if not fonts.has_hangul(e.fname, getattr(e, "index", 0))]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", without)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [])
    assert fonts.find_hangul_font() == "NanumGothic"
    assert str(package / "fonts" / "NanumGothic.ttf") in {e.fname for e in font_manager.fontManager.ttflist}
    assert "koreanize_matplotlib" not in sys.modules


def test_without_any_hangul_font_the_search_finds_none(monkeypatch):
    without = [e for e in font_manager.fontManager.ttflist if not fonts.has_hangul(e.fname, getattr(e, "index", 0))]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", without)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [])
    monkeypatch.setattr(fonts, "_koreanize_fonts", lambda: [])
    assert fonts.find_hangul_font() is None


def test_english_does_not_import_matplotlib():
    import subprocess

    code = ("import sys, course_utils; course_utils.set_language('en'); "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------------------- English as it was


def test_english_figures_are_the_same_after_a_visit_to_korean():
    names = ["pooling_max", "lenet", "training_curves", "function_classes"]
    before = [pl.figure_to_png(FIGURES[name][0]()) for name in names]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        set_language("ko")
    try:
        assert pl.figure_to_png(FIGURES["pooling_max"][0]()) != before[0]
    finally:
        set_language("en")
    assert [pl.figure_to_png(FIGURES[name][0]()) for name in names] == before


def test_english_texts_are_word_for_word_those_of_before():
    assert "2×2\nmax" in figure_texts(FIGURES["pooling_max"][0]())
    assert il.pooling_figure("avg").get_suptitle() == "Average pooling with a 2×2 window, stride 1"
    texts = figure_texts(FIGURES["model_comparison"][0]())
    assert "measured accuracy (not measured: AlexNet)" in texts and "multiply-accumulates per image" in texts
    texts = figure_texts(FIGURES["receptive_field"][0]())
    assert "output[0, 0] reads 4 of 4 cells of the middle layer and 9 of 9 cells of the input" in texts
    texts = figure_texts(FIGURES["scale_shift"][0]())
    assert {"scale γ (gamma)", "shift β (beta)", "initial value 1", "channel"} <= set(texts)
    texts = figure_texts(FIGURES["other_layers"][0]())
    assert {"adaptive avg pool to 2×2", "global max pool", "norm", "(not run)"} <= set(texts)
    texts = figure_texts(FIGURES["resnext_boxes"][0]())
    assert {"ResNeXt 64, groups 8, stride 2", "1×1 32 → 3×3 32 in 8 groups → 1×1 64", "shortcut: identity"} <= set(texts)
