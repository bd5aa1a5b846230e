"""The explorers speak the language in use: the scene, the controls, the refused values, the front end's phrases.

Every explorer is created after ``set_language("ko")`` and checked for Korean where a student
reads (no control label, note or grid title left in English), and created again in English
to check that nothing was frozen in the language of an earlier explorer. The front end's own
phrases have one list, ``_widget.front_end_phrases``; the phrases that ``explorer.js`` looks up
with ``t("...")`` must be exactly that list.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import subprocess
import warnings
from pathlib import Path

import matplotlib
import pytest
import torch

from course_utils import fonts
from course_utils.explorers import (
    ConvolutionExplorer,
    FeatureMapExplorer,
    KernelEditor,
    LayerFieldExplorer,
    ParameterCalculator,
    PoolingExplorer,
    ReceptiveFieldExplorer,
)
from course_utils.explorers import render_png
from course_utils.explorers._widget import front_end_phrases
from course_utils.language import get_language, set_language, speaking
from course_utils.shapes import conv_output_shape, pool_formula_text, pool_output_shape

ROOT = Path(__file__).resolve().parents[1]
EXPLORER_JS = ROOT / "course_utils" / "explorers" / "static" / "explorer.js"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
WORD = re.compile(r"[A-Za-z]{3,}")  # an English word (short names such as k, s, p, x, in are not words)

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture
def korean():
    set_language("ko")
    yield
    set_language("en")


def _explorers(images, labels, model) -> dict[str, callable]:
    """Each explorer in a few states that show different texts (impossible ones included)."""
    image = None if images is None else images[0]

    def conv_transposed():
        return ConvolutionExplorer(transposed=True, height=3, width=3, kernel_h=2, kernel_w=2, stride_h=2,
                                   stride_w=2, pad_top=1, pad_left=0, pad_bottom=1, pad_right=0, in_channels=4,
                                   out_channels=8, groups=4)

    def conv_bad_groups():
        explorer = ConvolutionExplorer(in_channels=2, out_channels=4, groups=2)
        explorer.set(in_channels=3)
        return explorer

    def feature_drawing():
        explorer = FeatureMapExplorer(model, images, labels)
        explorer.set(drawing=torch.rand(28, 28), invert=True)
        return explorer

    def pool_impossible():
        explorer = PoolingExplorer(image)
        explorer.set(pad_h=2)
        return explorer

    return {
        "parameters": ParameterCalculator,
        "parameters_close": lambda: ParameterCalculator(image_side=1, channels=1, hidden_units=1000, kernel_size=1,
                                                        out_channels=1001),
        "kernel_editor": lambda: KernelEditor(image),
        "kernel_blur": lambda: KernelEditor(image, kernel="blur"),
        "kernel_too_large": lambda: KernelEditor(image[:2, :2], kernel="sobel x"),
        "receptive": ReceptiveFieldExplorer,
        "receptive_stride": lambda: ReceptiveFieldExplorer(input_size=7, kernel1=1, kernel2=3, stride1=3),
        "receptive_impossible": lambda: ReceptiveFieldExplorer(input_size=2, kernel1=2, kernel2=3),
        "convolution": ConvolutionExplorer,
        "conv_same": lambda: ConvolutionExplorer(padding_mode="same", kernel_h=4, stride_h=1, stride_w=1,
                                                 in_channels=2, out_channels=4, groups=2),
        "conv_transposed": conv_transposed,
        "conv_too_large": lambda: ConvolutionExplorer(kernel_h=7, pad_top=0, pad_bottom=0, stride_h=1, height=5),
        "conv_bad_groups": conv_bad_groups,
        "pooling": lambda: PoolingExplorer(image),
        "pooling_avg": lambda: PoolingExplorer(image, mode="avg", pool_h=3, pool_w=3, pad_h=1, ceil_mode=True),
        "pooling_impossible": pool_impossible,
        "feature_maps": lambda: FeatureMapExplorer(model, images, labels, [f"c{k}" for k in range(10)]),
        "feature_drawing": feature_drawing,
        "layer_fields": lambda: LayerFieldExplorer(model, image),
        "layer_fields_last": lambda: LayerFieldExplorer(model, image, layer="net.5", row=4, col=4),
    }


NAMES = list(_explorers(None, None, None))


@pytest.fixture
def build(test_images, lenet):
    images, labels = test_images
    return lambda name: _explorers(images, labels, lenet)[name]()


def _reads_as_korean(text: str) -> bool:
    """Korean, or no prose at all (numbers, math, a single symbol)."""
    return bool(HANGUL.search(text)) or not WORD.search(text)


def _controls_left_in_english(explorer) -> list[str]:
    """The texts of the controls that are not Korean. A Python name shown as it is (ceil_mode, or an
    option that is the value a student writes, such as 'same' or 'max') is not English prose."""
    left = []
    for control in explorer.controls:
        label = control["label"]
        if not (_reads_as_korean(label) or label == control["name"]):
            left.append(f"{control['name']}.label: {label!r}")
        for field in ("note", "group"):
            if control[field] and not _reads_as_korean(control[field]):
                left.append(f"{control['name']}.{field}: {control[field]!r}")
        for option_label, value in control["options"] or []:
            if not (_reads_as_korean(str(option_label)) or str(option_label).startswith(str(value))):
                left.append(f"{control['name']} option {option_label!r}")
    return left


# ----------------------------------------------------------------------------- every explorer in Korean
@pytest.mark.parametrize("name", NAMES)
def test_every_explorer_shows_korean_where_a_student_reads(korean, build, name):
    explorer = build(name)
    state = explorer.state
    assert _controls_left_in_english(explorer) == []
    for grid in state.grids:
        assert _reads_as_korean(grid.title), (grid.id, grid.title)
        assert _reads_as_korean(grid.note), (grid.id, grid.note)
    assert HANGUL.search(state.text) and HANGUL.search(state.summary), (state.text, state.summary)
    assert state.error == "" or HANGUL.search(state.error), state.error
    for row in state.table or []:
        assert all(_reads_as_korean(cell) for cell in row), row
    assert HANGUL.search(explorer.phrases["clear"])


def test_known_labels_read_in_korean(korean, build):
    controls = {c["name"]: c for c in build("convolution").controls}
    assert controls["padding_mode"]["label"] == "패딩" and controls["stride_h"]["label"] == "보폭(행)"
    assert [option[0] for option in controls["padding_mode"]["options"]] == ["explicit", "same", "valid"]
    assert controls["row"]["note"] == "출력은 4행입니다"
    editor = {c["name"]: c for c in build("kernel_blur").controls}
    assert [o[0] for o in editor["preset"]["options"]][:4] == ["항등", "모서리", "세로 모서리", "흐림"]
    assert [o[1] for o in editor["preset"]["options"]][:4] == ["identity", "edge", "vertical edge", "blur"]
    features = {c["name"]: c for c in build("feature_maps").controls}
    assert features["source"]["options"] == [["테스트 이미지", "test image"], ["그림", "drawing"]]
    assert build("pooling").state.grid("output").title == "최대 풀링 결과 14×14"
    assert build("receptive").state.summary == "출력 1×1, 수용 영역 3×3"
    assert build("parameters").state.table[0] == ["층", "가중치", "편향", "매개변수 수", "float32 메모리"]


def test_an_impossible_setting_says_why_in_korean(korean, build):
    assert build("conv_too_large").state.error == (
        "높이: 커널 7의 크기가 입력 5보다 큽니다. 패딩을 더하거나 더 작은 커널을 쓰세요")
    assert build("pooling_impossible").state.error.startswith("패딩 2x0: 풀링 창 2x2의 절반보다 큽니다.")
    assert "가능한 groups: 1" in build("conv_bad_groups").state.error


def test_the_shapes_errors_and_formula_notes_follow_the_language(korean):
    with pytest.raises(ValueError, match="커널 5x5의 크기가 입력 3x3보다 큽니다"):
        conv_output_shape(3, kernel_size=5)
    with pytest.raises(ValueError, match="풀링 창 2x2의 절반보다 큽니다"):
        pool_output_shape(4, kernel_size=2, padding=2)
    assert pool_formula_text(5, kernel_size=3, padding=1, stride=3, ceil_mode=True).endswith(
        "− 1 (마지막 창이 패딩에서 시작하게 됩니다) = 2")


def test_a_refused_value_is_explained_in_korean(korean, build, monkeypatch):
    explorer = build("convolution")
    sent = []
    monkeypatch.setattr(explorer, "send", lambda content, buffers=None: sent.append(content))
    explorer._on_front_end_message(explorer, {"type": "set", "values": {"row": 9}, "request": 3}, [])
    assert sent == [{"type": "refused", "request": 3,
                     "message": "row에는 여기서 0에서 3 사이의 값만 쓸 수 있습니다. 받은 값: 9 (출력은 4행입니다)"}]
    with pytest.raises(TypeError, match="stride_h에는 정수를 써야 합니다. 받은 값: 1.5"):
        explorer.set(stride_h=1.5)


# ----------------------------------------------------------------------------- English stays, nothing is frozen
@pytest.mark.parametrize("name", ["parameters", "kernel_editor", "receptive", "conv_transposed", "pooling_avg",
                                  "feature_maps", "layer_fields"])
def test_english_is_unchanged_after_korean_and_korean_after_english(build, name):
    assert get_language() == "en"
    english = build(name)
    before = (english.controls, english.scene, english.summary())
    assert not any(HANGUL.search(json.dumps(part, ensure_ascii=False)) for part in before)
    with speaking("ko"):
        korean = build(name)
        assert HANGUL.search(json.dumps(korean.controls, ensure_ascii=False))
        english.set(**{})  # a redraw speaks the language in use, the front end's phrases too
        assert HANGUL.search(english.state.text) and english.phrases["clear"] == "지우기"
    english.set(**{})
    assert (english.controls, english.scene, english.summary()) == before
    assert english.phrases["clear"] == "clear"
    again = build(name)
    assert (again.controls, again.scene, again.summary()) == before


def _missing_glyphs(draw) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = draw()
    assert png.startswith(b"\x89PNG")
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_the_png_draws_korean_with_a_korean_font_and_english_as_before(korean, build, monkeypatch):
    assert render_png.font_family("padded input 10×10") is None  # English: the default font, the same bytes
    family = fonts.find_hangul_font()
    if family is None:
        message = "no font with Hangul on this machine: pip install koreanize-matplotlib, or apt-get install fonts-nanum"
        if any(os.environ.get(name, "").strip() not in ("", "0") for name in ("COURSE_REQUIRE_BROWSER", "CI")):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    assert render_png.font_family("패딩한 입력 10×10") == ["DejaVu Sans", family]
    state = build("convolution").state
    assert _missing_glyphs(lambda: render_png.scene_to_png(state)) == []
    monkeypatch.setattr(render_png, "_hangul_font", lambda: None)  # the check can fail: DejaVu Sans has no Hangul
    render_png._width.cache_clear()
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        assert _missing_glyphs(lambda: render_png.scene_to_png(state)) != []
    monkeypatch.undo()
    render_png._width.cache_clear()


# ----------------------------------------------------------------------------- the front end's phrases
def _fields(template: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name)


def test_the_phrases_trait_is_the_language_in_use(build, korean):
    korean_phrases = build("convolution").phrases
    with speaking("en"):
        english_phrases = build("convolution").phrases
    assert set(korean_phrases) == set(english_phrases) == set(front_end_phrases())
    assert all(key == text for key, text in english_phrases.items())
    assert all(HANGUL.search(text) for text in korean_phrases.values()), korean_phrases
    assert {key: _fields(key) for key in korean_phrases} == {key: _fields(t) for key, t in korean_phrases.items()}
    assert korean_phrases["load a picture…"] == "사진 불러오기…"
    assert korean_phrases["{label}: write a whole number {range}"] == "{label}: 정수를 쓰세요({range})"


def _looked_up_in_js() -> tuple[set[str], list[str]]:
    """The phrases explorer.js looks up with ``view.t("...")`` / ``this.t("...")`` (the one way it has), and the
    calls whose phrase is not a literal."""
    source = EXPLORER_JS.read_text(encoding="utf-8")
    literal = r'"(?:[^"\\]|\\.)*"'
    phrases, dynamic = set(), []
    for call in re.finditer(r"\.t\(\s*", source):
        rest = source[call.end():]
        found = re.match(rf"{literal}(?:\s*\+\s*{literal})*", rest)
        if not found or not re.match(r"\s*[,)]", rest[found.end():]):
            dynamic.append(rest[:60])
            continue
        phrases.add("".join(json.loads(part) for part in re.findall(literal, found.group(0))))
    return phrases, dynamic


def test_the_front_end_looks_up_exactly_the_phrases_python_translates():
    looked_up, dynamic = _looked_up_in_js()
    assert dynamic == []  # every phrase is a literal, so this test sees it
    listed = set(front_end_phrases())
    assert len(looked_up) >= 30
    assert sorted(looked_up - listed) == []  # said in the browser, never translated
    assert sorted(listed - looked_up) == []  # translated, never said


def test_the_front_end_fills_a_phrase_in_the_language_it_is_given():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js not found: the front end is checked in the browser tests instead")
    phrases = {"clear": "지우기", "{label} row {row}, column {col}": "{label} {row}행 {col}열"}
    code = (f"const p = {json.dumps(phrases, ensure_ascii=False)};\n"
            "console.log(JSON.stringify([m.phrase(p, 'clear'), m.phrase(p, 'invert'), m.phrase(null, 'pause'),"
            " m.phrase(p, '{label} row {row}, column {col}', {label: '가중치', row: 0, col: 2}),"
            " m.fill('{a} and {b}', {a: 1}), m.fill('{x}{x}', {x: '$&'})]))")
    script = f"import * as m from {json.dumps(EXPLORER_JS.as_uri())};\n{code}"
    done = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["지우기", "invert", "pause", "가중치 0행 2열", "1 and {b}", "$&$&"]
