"""Korean (한국어): each English template that ``course_utils.language.say`` receives, and its translation.

The fields in braces are the same in both; a test checks that every template the package
passes to ``say`` is here and that nothing here is unused.
"""

from __future__ import annotations

__all__ = ["TEMPLATES"]

TEMPLATES: dict[str, str] = {
    # self-checks (course_utils.checks._verdict)
    "✏️ Replace the ... with your answer, then run the cell again.": "✏️ ... 자리에 답을 쓰고 셀을 다시 실행하세요.",
    "No self-check has been answered yet: run one with your answer first, then show_solution().":
        "아직 답한 자가 점검이 없습니다. 먼저 답을 넣어 하나를 실행한 뒤 show_solution()을 실행하세요.",
    "✅ Correct: {expected}.": "✅ 정답: {expected}.",
    "   Why: ": "   이유: ",
    "you answered {answer}": "입력한 답은 {answer}",
    "a tensor of shape {shape}": "모양이 {shape}인 텐서",
    "❌ Not quite: {said}.": "❌ 아직 아닙니다: {said}.",
    "💡 Hint: {hint}": "💡 힌트: {hint}",
    "   Try again, or run show_solution() to see the worked answer.":
        "   다시 해 보거나, show_solution()을 실행해 풀이를 보세요.",
    "❌ Not quite: {said}, expected {expected}.": "❌ 아직 아닙니다: {said}, 정답은 {expected}.",
    "Solution: {expected}.": "풀이: {expected}.",
    "a tensor of shape {shape}:\n{tensor}": "모양이 {shape}인 텐서:\n{tensor}",
    "expected a tensor of shape {shape}, got {kind}": "모양이 {shape}인 텐서가 필요한데 {kind}를 받았습니다",
    "shape {shape}:\n{tensor}": "모양 {shape}:\n{tensor}",
    "your tensor has shape {shape}, not {expected}": "텐서의 모양이 {expected}가 아니라 {shape}입니다",
    "a {shape} tensor that matches": "값이 맞는 {shape} 텐서",
    "right shape, different values": "모양은 맞지만 값이 다릅니다",
    # self-checks: shapes (course_utils.checks.shapes)
    "for each side, out = ⌊(n + p_total − d·(k − 1) − 1) / s⌋ + 1, with n = {n}, k = {k}, padding {p} on each side "
    "(p_total = 2·p), stride s = {s}, dilation d = {d}. Answer (height, width).":
        "변마다 out = ⌊(n + p_total − d·(k − 1) − 1) / s⌋ + 1을 계산하세요. 여기서 n = {n}, k = {k}, 양쪽에 각각 패딩 "
        "{p}(p_total = 2·p), 보폭 s = {s}, 팽창 d = {d}입니다. (높이, 너비)로 답하세요.",
    "{height} (height) / {width} (width)": "{height}(높이) / {width}(너비)",
    "a pooling window slides like a convolution's: out = ⌊(n + 2·p − k) / s⌋ + 1 per side, with n = {n}, window "
    "k = {k}, padding p = {p}, stride s = {s}{default}.":
        "풀링 창은 합성곱의 창처럼 움직입니다: 변마다 out = ⌊(n + 2·p − k) / s⌋ + 1이고, n = {n}, 창 k = {k}, "
        "패딩 p = {p}, 보폭 s = {s}{default}입니다.",
    " (a pooling layer's stride defaults to its window)": "(풀링 층의 보폭 기본값은 창 크기)",
    "add up every layer's weights and biases: a convolution has c_out·c_in·k_h·k_w weights and c_out biases, a dense "
    "layer in·out weights and out biases; activations and pooling have none.":
        "모든 층의 가중치와 편향을 더하세요: 합성곱에는 가중치 c_out·c_in·k_h·k_w개와 편향 c_out개, 밀집층에는 가중치 "
        "in·out개와 편향 out개가 있고, 활성화와 풀링에는 매개변수가 없습니다.",
    "total = {total:,}": "합계 = {total:,}",
    "weights {c_o}·{c_i}·{k_h}·{k_w} = {weights:,}": "가중치 {c_o}·{c_i}·{k_h}·{k_w} = {weights:,}",
    " (no bias)": " (편향 없음)",
    " + biases {biases} = {total:,}": " + 편향 {biases} = {total:,}",
    "every output channel has one k_h × k_w kernel per input channel, plus one bias.":
        "출력 채널마다 입력 채널 하나당 k_h × k_w 커널이 하나씩 있고, 편향도 하나 있습니다.",
    "every output channel has one k_h × k_w kernel per input channel (and here no bias).":
        "출력 채널마다 입력 채널 하나당 k_h × k_w 커널이 하나씩 있습니다(여기서는 편향이 없습니다).",
    "weights {inputs:,}·{outputs:,} = {weights:,}": "가중치 {inputs:,}·{outputs:,} = {weights:,}",
    " + biases {biases:,} = {total:,}": " + 편향 {biases:,} = {total:,}",
    "each output unit has one weight per input and one bias. Python computes large products exactly: 1e6 is a float, "
    "10**6 an int.":
        "출력 단위마다 입력 하나당 가중치가 하나씩, 그리고 편향이 하나 있습니다. Python은 큰 곱도 정확히 계산합니다: "
        "1e6은 float, 10**6은 int입니다.",
    "each output unit has one weight per input (no bias here). Python computes large products exactly: 1e6 is a "
    "float, 10**6 an int.":
        "출력 단위마다 입력 하나당 가중치가 하나씩 있습니다(여기서는 편향이 없습니다). Python은 큰 곱도 정확히 "
        "계산합니다: 1e6은 float, 10**6은 int입니다.",
    "each of the c_o·out_h·out_w = {c_o}·{out_h}·{out_w} outputs needs c_i·k_h·k_w = {c_i}·{k_h}·{k_w} multiply-adds: "
    "{total:,}":
        "c_o·out_h·out_w = {c_o}·{out_h}·{out_w}개의 출력마다 c_i·k_h·k_w = {c_i}·{k_h}·{k_w}번의 곱셈-누산이 "
        "필요합니다: {total:,}",
    "first find the output's height and width (padding and stride count), then multiply the number of outputs, "
    "c_o·out_h·out_w, by the multiply-adds of one output, c_i·k_h·k_w.":
        "먼저 출력의 높이와 너비를 구하고(패딩과 보폭도 반영하세요), 출력 개수 c_o·out_h·out_w에 출력 하나의 곱셈-누산 "
        "수 c_i·k_h·k_w를 곱하세요.",
    "stride {stride}": "보폭 {stride}",
    "pad {padding}": "패딩 {padding}",
    "dilation {dilation}": "팽창 {dilation}",
    "layer {number} ({layer})": "층 {number}({layer})",
    "{where}: field {field_h}×{field_w}, jump {jump_h}×{jump_w}":
        "{where}: 수용 영역 {field_h}×{field_w}, 간격 {jump_h}×{jump_w}",
    "at the output (where paths meet, the largest of their fields): field {field_h}×{field_w}, jump {jump_h}×{jump_w}":
        "출력에서(경로가 만나는 곳에서는 그중 가장 큰 수용 영역): 수용 영역 {field_h}×{field_w}, 간격 {jump_h}×{jump_w}",
    "go layer by layer: each layer widens the field by (k − 1)·jump, and multiplies the jump (the distance in input "
    "pixels between neighbouring outputs) by its stride; start with field 1, jump 1.":
        "층을 하나씩 따라가세요: 각 층은 수용 영역을 (k − 1)·간격만큼 넓히고, 간격(jump: 이웃한 출력 사이의 입력 픽셀 "
        "거리)에 자신의 보폭을 곱합니다. 수용 영역 1, 간격 1에서 시작하세요.",
    # self-checks: tensors (course_utils.checks.tensors)
    "the output has (n_h − k_h + 1) × (n_w − k_w + 1) entries; entry (i, j) is the sum of K times the {window} window "
    "of X whose top-left corner is (i, j) (no flipping of K).":
        "출력에는 (n_h − k_h + 1) × (n_w − k_w + 1)개의 원소가 있습니다. 원소 (i, j)는 왼쪽 위 모서리가 (i, j)인 X의 "
        "{window} 창에 K를 원소별로 곱해 더한 값입니다(K를 뒤집지 않습니다).",
    "F.conv2d of the {input} input with the {kernel} kernel": "{input} 입력과 {kernel} 커널의 F.conv2d",
    "slide a {window} window with stride {stride} over each channel separately and take the largest value of each "
    "window; the channels are not mixed.":
        "크기 {window}, 보폭 {stride}인 창을 채널마다 따로 밀면서 창마다 가장 큰 값을 고르세요. 채널끼리는 섞이지 "
        "않습니다.",
    "slide a {window} window with stride {stride} over each channel separately and take the mean of each window; the "
    "channels are not mixed.":
        "크기 {window}, 보폭 {stride}인 창을 채널마다 따로 밀면서 창마다 평균을 구하세요. 채널끼리는 섞이지 않습니다.",
    "F.{mode}_pool2d with window {window}, stride {stride}, padding {padding}":
        "창 {window}, 보폭 {stride}, 패딩 {padding}인 F.{mode}_pool2d",
    "compare your computation with the text above, step by step.": "위의 설명과 여러분의 계산을 한 단계씩 비교해 보세요.",
    "the two computations must agree": "두 계산의 결과가 같아야 합니다",
    # self-checks: models (course_utils.checks.models)
    "follow the shape through the layers: a convolution or pooling changes height and width by the output-size "
    "formula and sets the channels; a concatenation adds the channels of its branches; the batch size stays first.":
        "층을 따라 모양을 추적하세요: 합성곱이나 풀링은 출력 크기 공식대로 높이와 너비를 바꾸고 채널 수를 정합니다. "
        "이어 붙이기(concatenation)는 분기들의 채널 수를 더합니다. 배치 크기는 맨 앞에 그대로 남습니다.",
    "{module} maps {shape_in} to {shape_out}": "{module}: 입력 {shape_in} → 출력 {shape_out}",
    "the other {count} layers: {rest:,}": "나머지 {count}개 층: {rest:,}",
    "add every layer's weights and biases; the first dense layer's inputs are the flattened channels·height·width of "
    "the last feature map, so find that shape first.":
        "모든 층의 가중치와 편향을 더하세요. 첫 밀집층의 입력 수는 마지막 특성 맵을 펼친 채널·높이·너비이므로, 그 "
        "모양부터 구하세요.",
    "per convolution c_out·out_h·out_w outputs times c_in·k_h·k_w multiply-adds each; per dense layer in·out; times "
    "the batch size; pooling, activations and biases are not counted.":
        "합성곱마다 출력 c_out·out_h·out_w개에 출력 하나당 곱셈-누산 c_in·k_h·k_w번을 곱하고, 밀집층마다 in·out번을 "
        "더한 뒤 배치 크기를 곱하세요. 풀링, 활성화, 편향은 세지 않습니다.",
    "an image of {size} x {size} pixels gives an output": "{size} x {size} 픽셀 이미지는 출력을 냅니다",
    "; one of {smaller} x {smaller} fails: {error}": "; {smaller} x {smaller} 이미지는 실패합니다: {error}",
    " (every layer pads or rounds up, so even one pixel passes)": " (모든 층이 패딩하거나 올림하므로 픽셀 하나도 통과합니다)",
    "go through the layers from the end: each convolution needs at least its kernel's size (after padding) and each "
    "stride divides the size, so find the smallest side that leaves every layer at least one pixel.":
        "층을 끝에서부터 거슬러 올라가세요: 합성곱마다 (패딩한 뒤) 적어도 커널 크기만큼의 입력이 필요하고, 보폭은 "
        "크기를 나눕니다. 모든 층에 적어도 한 픽셀이 남는 가장 작은 변의 길이를 찾으세요.",
    # self-checks: correlation (course_utils.checks.correlation)
    "a function that runs": "실행되는 함수",
    "your function raised {error_type}: {error} (inputs of shapes {shapes})":
        "함수에서 {error_type} 예외가 발생했습니다: {error} (입력 모양 {shapes})",
    "shape {shape}": "모양 {shape}",
    "for inputs of shapes {shapes} your function returned {got}, expected shape {expected}":
        "입력 모양이 {shapes}일 때 함수가 {got}을(를) 반환했습니다. 필요한 모양은 {expected}입니다",
    "the same numbers as PyTorch": "PyTorch와 같은 값",
    "for inputs of shapes {shapes} the shape is right but the values differ from PyTorch's":
        "입력 모양이 {shapes}일 때 모양은 맞지만 값이 PyTorch의 결과와 다릅니다",
    "a function without PyTorch's convolution": "PyTorch의 합성곱을 쓰지 않는 함수",
    "your function calls a PyTorch convolution: the exercise asks you to write the sums yourself":
        "함수가 PyTorch의 합성곱을 호출합니다. 이 연습에서는 합을 직접 작성해야 합니다",
    "a function built on a matrix product": "행렬 곱으로 만든 함수",
    "the values are right but no matrix product was used (no @, matmul, mm or einsum)":
        "값은 맞지만 행렬 곱을 쓰지 않았습니다(@, matmul, mm, einsum이 없습니다)",
    "your function agrees with PyTorch on {count} inputs": "함수가 입력 {count}개 모두에서 PyTorch와 일치합니다",
    "at one pixel (i, j) the channel values X[:, i, j] form a vector of length c_in: multiply it by W and add b. Do "
    "this for every pixel at once by flattening the pixels, X.reshape(c_in, h * w).":
        "한 픽셀 (i, j)에서 채널 값 X[:, i, j]는 길이가 c_in인 벡터입니다: 여기에 W를 곱하고 b를 더하세요. 픽셀들을 "
        "X.reshape(c_in, h * w)로 펼치면 모든 픽셀을 한 번에 계산할 수 있습니다.",
    "a kernel with Δ = 0 reads one pixel only, so output channel o at (i, j) is Σ_c W[o, c]·X[c, i, j] + b[o]: the "
    "same dense layer applied to every pixel's channel vector.\n"
    "One way: (W @ X.reshape(c_in, -1) + b[:, None]).reshape(c_out, h, w)":
        "Δ = 0인 커널은 픽셀 하나만 읽으므로 (i, j)에서 출력 채널 o의 값은 Σ_c W[o, c]·X[c, i, j] + b[o]입니다: "
        "모든 픽셀의 채널 벡터에 같은 밀집층을 적용하는 셈입니다.\n"
        "한 가지 방법: (W @ X.reshape(c_in, -1) + b[:, None]).reshape(c_out, h, w)",
    "the output exists only where the whole window fits, for i = Δ … n − 1 − Δ, so it has n − 2Δ values; output i "
    "is u plus the weights v times the samples x[i − Δ … i + Δ].":
        "출력은 창 전체가 들어가는 곳, 즉 i = Δ … n − 1 − Δ에서만 있으므로 값이 n − 2Δ개입니다. 출력 i는 u에 "
        "가중치 v와 표본 x[i − Δ … i + Δ]의 곱을 모두 더한 값입니다.",
    "h[i] = u + Σ_{{a=−Δ}}^{{Δ}} v[a + Δ]·x[i + a] is a 1-D cross-correlation plus a bias; n samples and a window of "
    "2Δ + 1 leave n − 2Δ outputs.\n"
    "One way: torch.stack([u + (v * x[i:i + len(v)]).sum() for i in range(len(x) - len(v) + 1)])":
        "h[i] = u + Σ_{{a=−Δ}}^{{Δ}} v[a + Δ]·x[i + a]는 1차원 교차상관에 편향을 더한 것입니다. 표본 n개와 크기 "
        "2Δ + 1인 창에서는 출력이 n − 2Δ개 남습니다.\n"
        "한 가지 방법: torch.stack([u + (v * x[i:i + len(v)]).sum() for i in range(len(x) - len(v) + 1)])",
    "only the pairs whose indices add up to {i} contribute: f(a)·g({i} − a) for every a where both are defined; the "
    "kernel's index runs backwards while f's runs forwards.":
        "인덱스의 합이 {i}인 쌍만 기여합니다: 두 값이 모두 정의된 모든 a에 대해 f(a)·g({i} − a)를 더하세요. f의 "
        "인덱스는 앞으로, 커널의 인덱스는 뒤로 갑니다.",
    "rows: the windows starting at rows {first}…{last} cover row {index} ({count} of them)":
        "행: 시작 행이 {first}…{last}인 창이 행 {index}에 걸칩니다({count}개)",
    "columns: the windows starting at columns {first}…{last} cover column {index} ({count} of them)":
        "열: 시작 열이 {first}…{last}인 창이 열 {index}에 걸칩니다({count}개)",
    "{rows} · {columns} = {count} window reads pixel ({row}, {column})":
        "{rows} · {columns} = {count}개의 창이 픽셀 ({row}, {column})을 읽습니다",
    "{rows} · {columns} = {count} windows read pixel ({row}, {column})":
        "{rows} · {columns} = {count}개의 창이 픽셀 ({row}, {column})을 읽습니다",
    "count the window positions (top-left corner (i, j), 0 <= i <= n_h − k_h, 0 <= j <= n_w − k_w) whose window "
    "covers the pixel, one side at a time, then multiply.":
        "창의 위치(왼쪽 위 모서리 (i, j), 0 <= i <= n_h − k_h, 0 <= j <= n_w − k_w) 가운데 그 픽셀을 덮는 것을 한 "
        "변씩 세고, 두 수를 곱하세요.",
    "expected a 1-D or 2-D tensor (a kernel), got {got}": "1차원 또는 2차원 텐서(커널)가 필요한데 {got}을(를) 받았습니다",
    "a directional difference: v1·(right − here) + v2·(below − here), for instance\n{example}\non a flat image it "
    "gives {flat}, on x (brightness = column) {on_x}, on y (brightness = row) {on_y}: proportional to v = ({v1}, "
    "{v2}), so a ramp along (v2, −v1) gives 0":
        "방향 차분 v1·(오른쪽 − 현재) + v2·(아래 − 현재)입니다. 예를 들어\n{example}\n평평한 이미지에서는 {flat}, "
        "x(밝기 = 열 번호)에서는 {on_x}, y(밝기 = 행 번호)에서는 {on_y}입니다: v = ({v1}, {v2})에 비례하므로 "
        "(v2, −v1) 방향의 경사에서는 0이 됩니다",
    "combine a horizontal difference (right − left) and a vertical one (below − above) with the weights v1 and v2; "
    "the weights of an edge kernel add up to 0, so that a flat region gives 0.":
        "가로 차분(오른쪽 − 왼쪽)과 세로 차분(아래 − 위)을 가중치 v1, v2로 합치세요. 경계 검출 커널의 가중치는 합이 "
        "0이어서 평평한 영역에서는 0을 냅니다.",
    "a kernel that sees changes along v = ({v1}, {v2}) and none along ({v2}, {minus_v1})":
        "v = ({v1}, {v2}) 방향의 변화는 감지하고 ({v2}, {minus_v1}) 방향의 변화는 감지하지 않는 커널",
    "a kernel whose weights add up to 0": "가중치의 합이 0인 커널",
    "your kernel gives {flat:.4g} on a flat image (its weights add up to {flat:.4g}), not 0":
        "커널이 평평한 이미지에서 0이 아니라 {flat:.4g}을(를) 냅니다(가중치의 합이 {flat:.4g}입니다)",
    "on x your kernel gives {on_x:.4g}, on y {on_y:.4g}: not proportional to v = ({v1}, {v2})":
        "커널이 x에서 {on_x:.4g}, y에서 {on_y:.4g}을(를) 냅니다: v = ({v1}, {v2})에 비례하지 않습니다",
    "Taylor: f(t + 1) − 2 f(t) + f(t − 1) = f''(t) for a quadratic, the kernel {kernel}; its weights add up to 0 "
    "(constants vanish), Σ c_b·b = 0 (lines vanish), Σ c_b·b² = 2":
        "테일러 전개: 2차식에서는 f(t + 1) − 2 f(t) + f(t − 1) = f''(t)이므로 커널은 {kernel}입니다. 가중치의 합은 "
        "0(상수가 사라짐), Σ c_b·b = 0(직선이 사라짐), Σ c_b·b² = 2입니다",
    "subtract two first differences, (f(t + 1) − f(t)) − (f(t) − f(t − 1)); test your kernel on a constant, on a "
    "line and on t², which must give 0, 0 and 2.":
        "1차 차분 두 개를 빼세요: (f(t + 1) − f(t)) − (f(t) − f(t − 1)). 만든 커널을 상수, 직선, t²에 적용해 "
        "보세요. 결과가 각각 0, 0, 2여야 합니다.",
    "a single row such as {kernel}": "{kernel} 같은 한 행",
    "{kernel} (or any row with the same three sums)": "{kernel}(또는 세 합이 같은 아무 행)",
    "on a constant, a line and t² your kernel gives {values} instead of 0, 0, 2":
        "커널이 상수, 직선, t²에서 0, 0, 2가 아니라 {values}을(를) 냅니다",
    "a kernel with k taps has k free weights; it must cancel 1, t, …, t^(d−1) and keep t^d, which is d + 1 "
    "conditions on a Vandermonde matrix of full rank, so k >= d + 1 taps are needed and enough: {sizes}":
        "탭이 k개인 커널에는 자유로운 가중치가 k개 있습니다. 이 커널은 1, t, …, t^(d−1)을 없애고 t^d는 남겨야 하는데, "
        "이는 최대 계수(full rank)인 방데르몽드 행렬에 대한 d + 1개의 조건이므로 k >= d + 1개의 탭이 필요하고 또 "
        "충분합니다: {sizes}",
    "order {order}: {size}": "{order}계 도함수: {size}",
    "write down the conditions on the weights c_b: Σ c_b·b^m must be 0 for every power m below d (so lower-order "
    "polynomials give 0) and not 0 for m = d; how many unknowns do that many equations need?":
        "가중치 c_b에 대한 조건을 적어 보세요: d보다 작은 모든 거듭제곱 m에 대해 Σ c_b·b^m은 0이어야 하고(그래야 "
        "낮은 차수의 다항식이 0이 됩니다), m = d에서는 0이 아니어야 합니다. 방정식이 그만큼 있으면 미지수는 몇 개 "
        "필요할까요?",
    "your function raised {error_type}: {error} for d = {d}": "d = {d}에서 함수가 {error_type} 예외를 일으켰습니다: {error}",
    "{size} for d = {d}": "d = {d}일 때 {size}",
    "for d = {d} your function gave {got!r}": "d = {d}에서 함수가 {got!r}을(를) 반환했습니다",
    "the right size for every order 1 to {last}": "1부터 {last}까지 모든 차수에서 맞는 크기",
    "a weighted average, e.g. the 3 × 3 box of ninths: a flat image stays flat, and seeded noise of standard "
    "deviation {before:.2f} drops to {after:.2f} after it":
        "가중 평균입니다. 예를 들어 모든 값이 9분의 1인 3 × 3 상자 커널을 쓰면 평평한 이미지는 평평하게 남고, 표준편차가 "
        "{before:.2f}인 시드 고정 잡음은 {after:.2f}까지 줄어듭니다",
    "a blur replaces each pixel by a weighted average of its neighbourhood: what must the weights of an average "
    "satisfy?":
        "흐림 커널은 각 픽셀을 주변 픽셀들의 가중 평균으로 바꿉니다: 평균의 가중치는 어떤 조건을 만족해야 할까요?",
    "a kernel of non-negative weights adding up to 1": "음수가 아니고 합이 1인 가중치로 된 커널",
    "a negative weight ({weight:.4g})": "음수 가중치({weight:.4g})",
    "weights adding up to {total:.4g}, not 1 (a flat image would change brightness)":
        "합이 1이 아니라 {total:.4g}인 가중치(평평한 이미지의 밝기가 바뀝니다)",
    "a single non-zero weight (it copies a pixel instead of averaging)":
        "0이 아닌 가중치가 하나뿐(평균을 내지 않고 픽셀 하나를 복사합니다)",
    " and ": ", ",
    "your kernel has {problems}": "커널에 문제가 있습니다: {problems}",
    "more than 32 rows or columns": "32개보다 많은 행이나 열",
    "a blur": "흐림 커널",
    "{why}; with your kernel it drops to {yours:.2f}": "{why}. 여러분의 커널로는 {yours:.2f}까지 줄어듭니다",
    "make a matrix whose rows are the flattened windows of X (one row per output position, k_h·k_w columns), "
    "multiply it by the flattened kernel, and reshape the result to (n_h − k_h + 1, n_w − k_w + 1).":
        "X의 창들을 펼쳐 행으로 쌓은 행렬을 만들고(출력 위치 하나당 한 행, 열은 k_h·k_w개), 여기에 펼친 커널을 곱한 "
        "뒤 결과의 모양을 (n_h − k_h + 1, n_w − k_w + 1)로 바꾸세요.",
    "each output is the dot product of one window with the kernel; stacking the windows as rows (the 'im2col' "
    "matrix) turns all of them into one matrix-vector product.\n"
    "One way: windows = X.unfold(0, k_h, 1).unfold(1, k_w, 1)  # (out_h, out_w, k_h, k_w)\n"
    "         (windows.reshape(-1, k_h * k_w) @ K.reshape(-1)).reshape(out_h, out_w)":
        "출력 하나는 창 하나와 커널의 내적입니다. 창들을 행으로 쌓으면('im2col' 행렬) 모든 출력이 행렬-벡터 곱 하나로 "
        "바뀝니다.\n"
        "한 가지 방법: windows = X.unfold(0, k_h, 1).unfold(1, k_w, 1)  # (out_h, out_w, k_h, k_w)\n"
        "              (windows.reshape(-1, k_h * k_w) @ K.reshape(-1)).reshape(out_h, out_w)",
    # self-checks: layers (course_utils.checks.layers)
    "{call} returned None: end the function with `return` and the result":
        "{call}이(가) None을 반환했습니다: 함수 끝에서 `return`으로 결과를 돌려주세요",
    "{call} returned {kind}, not a tensor": "{call}이(가) 텐서가 아니라 {kind}을(를) 반환했습니다",
    "{call} has shape {shape}, not {expected}": "{call}의 모양이 {expected}가 아니라 {shape}입니다",
    "{call} gives different values": "{call}의 값이 다릅니다",
    "{call} gives different values ({miss})": "{call}의 값이 다릅니다({miss})",
    "it calls {functions}, which the exercise rules out ({rule})":
        "이 연습에서 쓸 수 없는 {functions}을(를) 호출합니다({rule})",
    "it never calls one of {functions} ({rule})": "{functions} 가운데 어느 것도 호출하지 않습니다({rule})",
    "a function that matches on {count} inputs": "입력 {count}개에서 모두 일치하는 함수",
    "your border repeats the edge pixel; reflection mirrors around it, so the edge appears once":
        "테두리에서 가장자리 픽셀이 반복됩니다. 반사는 가장자리를 축으로 뒤집으므로 가장자리는 한 번만 나옵니다",
    "that copies the edge pixel outwards instead of mirroring":
        "거울처럼 뒤집지 않고 가장자리 픽셀을 바깥으로 복사했습니다",
    "write the mirroring yourself, with slicing, flip and cat": "슬라이싱, flip, cat으로 뒤집기를 직접 작성하세요",
    "the p rows above X are rows p, p−1, …, 1 of X (row 0 is the edge and is not repeated): X[1:p + 1].flip(0); do "
    "the rows first, then the columns of the taller tensor.":
        "X 위에 붙는 p개의 행은 X의 행 p, p−1, …, 1입니다(행 0은 가장자리이므로 반복되지 않습니다): "
        "X[1:p + 1].flip(0). 행을 먼저 처리한 뒤, 높아진 텐서의 열을 처리하세요.",
    "reflection mirrors around the edge row and column without repeating them: for p = 1 the new top row is X[1] and "
    "the new bottom row X[−2]; the check compares with F.pad(X, (p, p, p, p), mode='reflect') on 4 inputs":
        "반사 패딩은 가장자리 행과 열을 반복하지 않고 그것을 축으로 뒤집습니다: p = 1이면 새 맨 위 행은 X[1], 새 맨 "
        "아래 행은 X[−2]입니다. 이 점검은 입력 4개에서 F.pad(X, (p, p, p, p), mode='reflect')와 비교합니다",
    "stride 1 gives {full_h}×{full_w} = {full:,} outputs, stride {stride} gives {strided_h}×{strided_w} = "
    "{strided:,}; each output costs the same, so the work shrinks by {full:,} / {strided:,} = {ratio}":
        "보폭 1이면 출력이 {full_h}×{full_w} = {full:,}개, 보폭 {stride}이면 {strided_h}×{strided_w} = {strided:,}개"
        "입니다. 출력 하나의 비용은 같으므로 계산량은 {full:,} / {strided:,} = {ratio}배 줄어듭니다",
    "compute the output height and width twice, with stride 1 and with the given stride; every output costs the same "
    "multiply-adds, so the ratio of the output counts is the saving.":
        "출력의 높이와 너비를 보폭 1일 때와 주어진 보폭일 때, 두 번 계산하세요. 출력마다 곱셈-누산 수는 같으므로 출력 "
        "개수의 비가 곧 절약되는 비율입니다.",
    "input": "입력",
    "weights": "가중치",
    "biases": "편향",
    "output": "출력",
    "{parts} = {values:,} float32 values, 4 bytes each: {total:,} bytes (output shape {shape})":
        "{parts} = float32 값 {values:,}개, 하나에 4바이트: {total:,}바이트(출력 모양 {shape})",
    "count the numbers separately: the input c_i·h·w, the weights c_o·c_i·k_h·k_w and c_o biases, and the output "
    "c_o·out_h·out_w (find its size first); then multiply by 4 bytes per float32.":
        "수를 따로따로 세세요: 입력 c_i·h·w개, 가중치 c_o·c_i·k_h·k_w개와 편향 c_o개, 출력 c_o·out_h·out_w개(출력 "
        "크기를 먼저 구하세요). 그다음 float32 하나에 4바이트를 곱하세요.",
    "c_i {c_i} → {c_i_after} and c_o {c_o} → {c_o_after}, output stays {output}":
        "c_i {c_i} → {c_i_after}, c_o {c_o} → {c_o_after}, 출력은 {output} 그대로",
    "padding {padding} → {padding_after}, output {output} → {output_after}":
        "패딩 {padding} → {padding_after}, 출력 {output} → {output_after}",
    "{change}: {after:,} / {before:,} multiply-adds = {ratio}": "{change}: 곱셈-누산 {after:,} / {before:,} = {ratio}",
    "the cost is c_o·c_i·k_h·k_w·out_h·out_w: see which factors change. Channels enter twice; padding changes only "
    "the output's height and width, so compute those before and after.":
        "비용은 c_o·c_i·k_h·k_w·out_h·out_w입니다: 어떤 인수가 바뀌는지 보세요. 채널 수는 두 번 들어가고, 패딩은 "
        "출력의 높이와 너비만 바꾸므로 바뀌기 전과 후의 높이와 너비를 계산하세요.",
    "gather the windows into a matrix and multiply it by the flattened kernel, without a convolution function":
        "합성곱 함수 없이, 창들을 행렬로 모아 펼친 커널과 곱하세요",
    "collect every window as one column: X.unfold(1, k_h, 1).unfold(2, k_w, 1) has shape (c_i, out_h, out_w, k_h, "
    "k_w); reorder it to (c_i·k_h·k_w, out_h·out_w), multiply K.reshape(c_o, −1) by it, and reshape the product to "
    "(c_o, out_h, out_w).":
        "창 하나를 한 열로 모으세요: X.unfold(1, k_h, 1).unfold(2, k_w, 1)의 모양은 (c_i, out_h, out_w, k_h, k_w)"
        "입니다. 이를 (c_i·k_h·k_w, out_h·out_w)로 재배열해 K.reshape(c_o, −1)의 오른쪽에 곱하고, 곱의 모양을 "
        "(c_o, out_h, out_w)로 바꾸세요.",
    "a convolution is the (c_o × c_i·k_h·k_w) kernel matrix times the (c_i·k_h·k_w × out_h·out_w) matrix of windows; "
    "the check compares with F.conv2d on 3 inputs":
        "합성곱은 (c_o × c_i·k_h·k_w) 커널 행렬과 (c_i·k_h·k_w × out_h·out_w) 창 행렬의 곱입니다. 이 점검은 입력 "
        "3개에서 F.conv2d와 비교합니다",
    "dense: {c}·{c} = {dense:,} multiplications; {b} blocks of {side}×{side}: {b}·{side}·{side} = {block:,}; ratio "
    "{ratio}":
        "밀집 행렬: 곱셈 {c}·{c} = {dense:,}번, {side}×{side} 블록 {b}개: {b}·{side}·{side} = {block:,}번, 비율 "
        "{ratio}",
    "count the multiplications: a dense c×c matrix needs c² of them per vector; each block is a (c/b)×(c/b) matrix, "
    "and there are b blocks.":
        "곱셈 횟수를 세세요: 밀집된 c×c 행렬은 벡터 하나에 c²번이 필요합니다. 블록 하나는 (c/b)×(c/b) 행렬이고, "
        "블록은 b개입니다.",
    "{formula} per side": "변마다 {formula}",
    "output {c} channels × {out_h} × {out_w} ({sides}); each output reads a {k_h}×{k_w} window of {values} values: "
    "{c}·{out_h}·{out_w}·{values} = {total:,}":
        "출력 {c}채널 × {out_h} × {out_w}({sides}). 출력마다 {k_h}×{k_w} 창의 값 {values}개를 읽습니다: "
        "{c}·{out_h}·{out_w}·{values} = {total:,}",
    "output {c} channel × {out_h} × {out_w} ({sides}); each output reads a {k_h}×{k_w} window of {values} values: "
    "{c}·{out_h}·{out_w}·{values} = {total:,}":
        "출력 {c}채널 × {out_h} × {out_w}({sides}). 출력마다 {k_h}×{k_w} 창의 값 {values}개를 읽습니다: "
        "{c}·{out_h}·{out_w}·{values} = {total:,}",
    "first the output's height and width (out = ⌊(n + 2·p − k) / s⌋ + 1 per side; a pooling stride defaults to the "
    "window), then: channels × outputs per channel × values in one window.":
        "먼저 출력의 높이와 너비를 구하고(변마다 out = ⌊(n + 2·p − k) / s⌋ + 1, 풀링의 보폭 기본값은 창 크기), "
        "그다음 채널 수 × 채널당 출력 수 × 창 하나의 값 수를 계산하세요.",
    "only ReLU, addition, subtraction and multiplication by numbers": "ReLU, 덧셈, 뺄셈, 수와의 곱셈만 쓰세요",
    "ReLU(a − b) is a − b when a is larger and 0 otherwise: what do you add to it to get the larger of the two?":
        "ReLU(a − b)는 a가 더 클 때 a − b이고, 그렇지 않으면 0입니다: 여기에 무엇을 더하면 둘 중 큰 값이 될까요?",
    "max(a, b) = b + ReLU(a − b); the check compares with torch.maximum on 4 inputs (ties included)":
        "max(a, b) = b + ReLU(a − b). 이 점검은 입력 4개(같은 값이 있는 경우 포함)에서 torch.maximum과 비교합니다",
    "build it from max pooling, e.g. F.max_pool2d, without min, amin or minimum":
        "min, amin, minimum 없이 최대 풀링(예: F.max_pool2d)으로 만드세요",
    "the smallest of some numbers is the largest of their negatives, negated again.":
        "여러 수 가운데 가장 작은 값은, 그 수들의 부호를 바꾼 값 가운데 가장 큰 값의 부호를 다시 바꾼 것입니다.",
    "min_pool(X, k) = −max_pool(−X, k); the check compares with the window minima on 3 inputs":
        "min_pool(X, k) = −max_pool(−X, k). 이 점검은 입력 3개에서 창별 최솟값과 비교합니다",
    # self-checks: networks (course_utils.checks.networks)
    "{bytes:,} bytes = {mb:,.2f} MB (10^6 bytes) = {mib:,.2f} MiB (2^20 bytes)":
        "{bytes:,}바이트 = {mb:,.2f} MB(10^6바이트) = {mib:,.2f} MiB(2^20바이트)",
    "{mb:,.2f} MB (or {mib:,.2f} MiB)": "{mb:,.2f} MB(또는 {mib:,.2f} MiB)",
    "all layers": "모든 층",
    "{kind} layers": "{kind} 층",
    "{name} ({kind}): {count:,} parameters": "{name} ({kind}): 매개변수 {count:,}개",
    "{which} together: {count:,} parameters · {size} bytes": "{which} 합계: 매개변수 {count:,}개 · {size}바이트",
    " · 2 (a gradient for each weight)": " · 2(가중치마다 기울기 하나)",
    "every layer": "모든 층",
    "every {kind} layer": "모든 {kind} 층",
    "add the weights and biases of {layers} (a convolution: c_out·c_in·k_h·k_w + c_out; a dense layer: in·out + out), "
    "times {size} bytes{gradients}, divided by 10^6; mind the input channels of {shape} and the number of classes. "
    "Give three significant digits.":
        "{layers}의 가중치와 편향을 더하고(합성곱: c_out·c_in·k_h·k_w + c_out, 밀집층: in·out + out) {size}바이트를 "
        "곱한 뒤{gradients} 10^6으로 나누세요. {shape}의 입력 채널 수와 클래스 수에 주의하고, 유효숫자 세 자리로 "
        "답하세요.",
    ", times 2 for the gradients": " 기울기 몫으로 2를 더 곱하고,",
    "{name} ({kind}, output {shape}): {macs:,}": "{name} ({kind}, 출력 {shape}): {macs:,}",
    "{kind} layers together: {total:,}": "{kind} 층 합계: {total:,}",
    "model_summary counts c_out·out_h·out_w·c_in·k_h·k_w for each Conv2d (in·out for a Linear), for the whole batch "
    "of {shape}; add the layers of that kind only.":
        "model_summary는 Conv2d마다 c_out·out_h·out_w·c_in·k_h·k_w(Linear는 in·out)를 {shape} 배치 전체에 대해 "
        "셉니다. 그 종류의 층만 더하세요.",
    "{name} ({kind}): {dims} = {count:,} numbers per image": "{name} ({kind}): {dims} = 이미지당 수 {count:,}개",
    "{count:,} numbers per image · {batch} images · {size} bytes": "이미지당 수 {count:,}개 · 이미지 {batch}장 · {size}바이트",
    "for each {kind} layer, multiply out its output's channels·height·width (find the shapes first); add them, then "
    "multiply by the batch size {batch} and by {size} bytes, and divide by 10^6.":
        "{kind} 층마다 출력의 채널·높이·너비를 곱하세요(먼저 모양을 구하세요). 이를 모두 더한 뒤 배치 크기({batch})와 "
        "값 하나의 바이트 수({size})를 곱하고 10^6으로 나누세요.",
    "layer {position} is {got}, expected {expected}": "층 {position}: {got}, 필요한 층은 {expected}입니다",
    "your network has {got} layers, LeNet's variant has {expected}":
        "네트워크의 층이 {got}개인데, LeNet 변형의 층은 {expected}개입니다",
    "the layers are right but a 2 x 1 x 28 x 28 batch fails: {error}":
        "층은 맞지만 2 x 1 x 28 x 28 배치에서 실패합니다: {error}",
    "a 2 x 1 x 28 x 28 batch gives shape {shape}, not (2, 10)":
        "2 x 1 x 28 x 28 배치의 출력 모양이 (2, 10)이 아니라 {shape}입니다",
    "avg pooling": "평균 풀링",
    "max pooling": "최대 풀링",
    "relu activations": "ReLU 활성화",
    "sigmoid activations": "시그모이드 활성화",
    "dropout {p:g}": "드롭아웃 {p:g}",
    "start from LeNet's nn.Sequential in 7.6 and change only what the exercise asks: {changes}{dropout}; keep every "
    "kernel size, padding, stride and width.":
        "7.6의 LeNet nn.Sequential에서 시작해 연습에서 요구하는 것만 바꾸세요: {changes}{dropout}. 커널 크기, 패딩, "
        "보폭, 너비는 모두 그대로 두세요.",
    " (one Dropout after the activation of each of the two hidden dense layers)":
        "(두 은닉 밀집층의 활성화 뒤마다 Dropout 하나씩)",
    "LeNet's layers with {changes}:\n{layers}": "LeNet의 층({changes}):\n{layers}",
    "a LeNet with these layers": "이 층들로 된 LeNet",
    "run the batch through the layers up to and including {layer} (for a model with .net, slice it: "
    "model.net[:k + 1](X) for layer net.k) under torch.no_grad(); the batch axis stays first.":
        "{layer}까지(포함) 층들에 배치를 통과시키세요(.net이 있는 모델이면 잘라 쓰세요: 층 net.k라면 "
        "model.net[:k + 1](X)). torch.no_grad() 아래에서 실행하고, 배치 축은 맨 앞에 그대로 둡니다.",
    "the output of {layer} ({kind}) for the {batch} batch has shape {shape}":
        "{batch} 배치에 대한 {layer}({kind})의 출력 모양은 {shape}입니다",
    "scale to [0, 1] (divide a float copy by 255), add the channel axis (N x 1 x 28 x 28), then pad {border} pixels "
    "of zeros on every side (F.pad with (left, right, top, bottom)).":
        "[0, 1]로 스케일하고(float 사본을 255로 나누기), 채널 축을 추가한 뒤(N x 1 x 28 x 28), 사방에 값이 0인 픽셀을 "
        "{border}개씩 패딩하세요(F.pad에 (left, right, top, bottom)을 넘깁니다).",
    "F.pad(images[:, None].float() / 255, ({border}, {border}, {border}, {border})) gives N x 1 x {size} x {size}: "
    "the 28 x 28 digit from row and column {border} to {last}, zeros around it":
        "F.pad(images[:, None].float() / 255, ({border}, {border}, {border}, {border}))의 결과는 N x 1 x {size} x "
        "{size}입니다: 28 x 28 숫자가 행과 열 {border}부터 {last}까지 놓이고, 그 둘레는 0입니다",
    "N x 1 x {size} x {size} floats in [0, 1] with a {border}-pixel zero border":
        "값이 [0, 1]이고 둘레에 0으로 된 {border}픽셀 테두리가 있는 N x 1 x {size} x {size} float 텐서",
    "for a batch of {batch}, {wrong}": "배치 크기 {batch}에서: {wrong}",
    "your function returned {kind}, not a tensor": "함수가 텐서가 아니라 {kind}을(를) 반환했습니다",
    "your function returned shape {shape}, not {expected}": "함수가 반환한 모양이 {expected}가 아니라 {shape}입니다",
    "your function returned {dtype} values, not floats in [0, 1]":
        "함수가 [0, 1] 범위의 float가 아니라 {dtype} 값을 반환했습니다",
    "the largest value is {largest:g}: the pixels are not scaled to [0, 1]":
        "가장 큰 값이 {largest:g}입니다: 픽셀이 [0, 1]로 스케일되지 않았습니다",
    "the shape is right but the values differ (is the digit in the middle, with zeros around it?)":
        "모양은 맞지만 값이 다릅니다(숫자가 가운데에 있고 둘레가 0인가요?)",
    # self-checks: blocks (course_utils.checks.blocks)
    "{path}: {blocks} block; block {next} would get {side}×{side} and has no 2×2 window to pool\n"
    "(⌊log₂ {image}⌋ = {log})":
        "{path}: 블록 {blocks}개. {next}번째 블록은 {side}×{side} 크기를 받게 되어 풀링할 2×2 창이 없습니다\n"
        "(⌊log₂ {image}⌋ = {log})",
    "{path}: {blocks} blocks; block {next} would get {side}×{side} and has no 2×2 window to pool\n"
    "(⌊log₂ {image}⌋ = {log})":
        "{path}: 블록 {blocks}개. {next}번째 블록은 {side}×{side} 크기를 받게 되어 풀링할 2×2 창이 없습니다\n"
        "(⌊log₂ {image}⌋ = {log})",
    "each block's 2×2 pooling with stride 2 halves the side, rounding down; count the halvings until the side is 1, "
    "the last size a block can still receive and shrink no further.":
        "블록마다 보폭 2인 2×2 풀링이 변의 길이를 반으로 줄입니다(내림). 변이 1이 될 때까지 몇 번 반으로 줄어드는지 "
        "세세요. 1은 블록이 아직 받을 수는 있지만 더는 줄일 수 없는 마지막 크기입니다.",
    "{name}: {count} conv": "{name}: 합성곱 {count}개",
    "{name}: {count} linear": "{name}: 선형 층 {count}개",
    "total = {count} layers with weights": "합계 = 가중치가 있는 층 {count}개",
    "a summary with one row per block hides the layers inside each block: count the convolutions of every block (the "
    "first number of each (num_convs, out_channels) pair) and add the linear layers.":
        "블록마다 한 행씩 보여 주는 요약은 블록 안의 층을 감춥니다: 각 블록의 합성곱 수((num_convs, out_channels) "
        "쌍의 첫 번째 수)를 세고 선형 층을 더하세요.",
    "{n} stacked {k}×{k} convolutions see a {field}×{field} field":
        "{k}×{k} 합성곱 {n}개를 쌓으면 수용 영역이 {field}×{field}입니다",
    "one {field}×{field} convolution: {c}·{c}·{field}·{field} = {weights:,} weights":
        "{field}×{field} 합성곱 하나: {c}·{c}·{field}·{field} = 가중치 {weights:,}개",
    "{n} × {k}×{k} convolutions: {n} · {c}·{c}·{k}·{k} = {weights:,} weights":
        "{k}×{k} 합성곱 {n}개: {n} · {c}·{c}·{k}·{k} = 가중치 {weights:,}개",
    "saved: {one:,} − {many:,} = {saved:,}": "절약: {one:,} − {many:,} = {saved:,}",
    "a stack of n k×k convolutions sees a field of n·(k − 1) + 1 pixels a side; count the weights of one convolution "
    "with that kernel and of the n small ones (c·c·k·k each, no biases), then subtract.":
        "k×k 합성곱 n개를 쌓으면 한 변이 n·(k − 1) + 1 픽셀인 수용 영역을 봅니다. 그 크기의 커널을 쓰는 합성곱 하나와 "
        "작은 합성곱 n개(각각 c·c·k·k, 편향 없음)의 가중치를 세고, 그 차를 구하세요.",
    "first convolution {c_out}·{c_in}·{k}·{k} + {c_out} = {count:,}":
        "첫 합성곱 {c_out}·{c_in}·{k}·{k} + {c_out} = {count:,}",
    "{m}×{m} convolution {number}: {c}·{c}·{m}·{m} + {c} = {count:,}":
        "{m}×{m} 합성곱 {number}: {c}·{c}·{m}·{m} + {c} = {count:,}",
    "the first convolution maps the block's input channels to its output channels; every later convolution maps the "
    "output channels to themselves. Each has c_out·c_in·k·k weights and c_out biases.":
        "첫 합성곱은 블록의 입력 채널을 출력 채널로 바꾸고, 그 뒤의 합성곱은 모두 출력 채널을 같은 수의 채널로 "
        "바꿉니다. 합성곱마다 가중치 c_out·c_in·k·k개와 편향 c_out개가 있습니다.",
    "{branch} of {parts} = {total} channels: {branch} / {total} = {share:.5g}":
        "{parts} = {total}채널 중 {branch}채널: {branch} / {total} = {share:.5g}",
    "the block concatenates its branches, so its output channels are the sum of the four branches' last convolutions "
    "(c1, c2[1], c3[1], c4); divide the branch's channels by that sum. Answer a fraction such as 0.3, not a "
    "percentage.":
        "블록은 분기들을 이어 붙이므로 출력 채널 수는 네 분기의 마지막 합성곱 채널 수(c1, c2[1], c3[1], c4)의 "
        "합입니다. 해당 분기의 채널 수를 그 합으로 나누세요. 백분율이 아니라 0.3 같은 분수로 답하세요.",
    "directly: {c_out}·{n}·{n} outputs × {c_in}·{k}·{k} = {direct:,}":
        "직접: 출력 {c_out}·{n}·{n}개 × {c_in}·{k}·{k} = {direct:,}",
    "reduced: {c_red}·{n}·{n} × {c_in}·1·1 = {reduce:,}, then {c_out}·{n}·{n} × {c_red}·{k}·{k} = {then:,}; "
    "together {both:,}":
        "축소: {c_red}·{n}·{n} × {c_in}·1·1 = {reduce:,}, 이어서 {c_out}·{n}·{n} × {c_red}·{k}·{k} = {then:,}, "
        "합계 {both:,}",
    "a convolution costs (outputs) × (multiply-adds per output) = c_out·h·w × c_in·k·k; compute it for the direct "
    "convolution and for the 1×1 reduction plus the convolution on the reduced channels, then subtract.":
        "합성곱의 비용은 (출력 수) × (출력당 곱셈-누산) = c_out·h·w × c_in·k·k입니다. 직접 합성곱의 비용과, 1×1 축소에 "
        "축소된 채널 위의 합성곱을 더한 비용을 각각 계산해 빼세요.",
    "1 (weights only)": "1(가중치만)",
    "2 (weights and gradients)": "2(가중치와 기울기)",
    "{count:,} parameters × {size} bytes ({dtype}) × {copies} = {bytes:,} bytes; / 2**20 = {mib:.2f} MiB":
        "매개변수 {count:,}개 × {size}바이트({dtype}) × {copies} = {bytes:,}바이트; / 2**20 = {mib:.2f} MiB",
    "count the parameters, multiply by 4 bytes (float32), and divide by 2**20 = 1,048,576 bytes per MiB (not 10**6).":
        "매개변수 수를 세어 4바이트(float32)를 곱하고, MiB당 2**20 = 1,048,576바이트(10**6이 아님)로 나누세요.",
    "count the parameters, multiply by 4 bytes (float32), by 2 for the gradients, and divide by 2**20 = 1,048,576 "
    "bytes per MiB (not 10**6).":
        "매개변수 수를 세어 4바이트(float32)를 곱하고, 기울기 몫으로 2를 곱한 뒤, MiB당 2**20 = 1,048,576바이트"
        "(10**6이 아님)로 나누세요.",
    # self-checks: normalization (course_utils.checks.normalization)
    "the batch": "배치",
    "the batch and all positions": "배치와 모든 위치",
    "feature {feature}: mean {mean}, variance {variance} (over {over}); output (x − {mean}) / √({variance} + ε)":
        "특성 {feature}: 평균 {mean}, 분산 {variance}({over} 기준). 출력 (x − {mean}) / √({variance} + ε)",
    "work feature by feature (column by column): subtract the column's mean, then divide by the square root of its "
    "variance (the mean of the squared deviations, dividing by N, not N − 1) plus ε.":
        "특성별로(열별로) 계산하세요: 열의 평균을 빼고, 분산(편차 제곱의 평균, N − 1이 아니라 N으로 나눔)에 ε을 더한 "
        "값의 제곱근으로 나누세요.",
    "start {start}": "시작 {start}",
    "after batch {batch} (mean {mean}): {keep}·{old} + {momentum}·{mean} = {new}":
        "배치 {batch} 뒤(평균 {mean}): {keep}·{old} + {momentum}·{mean} = {new}",
    "each batch moves the running mean a fraction momentum = {momentum} of the way towards the batch's mean: new = "
    "(1 − momentum)·old + momentum·batch_mean. Apply it once per batch.":
        "배치마다 이동 평균은 배치의 평균 쪽으로 남은 거리의 momentum = {momentum}만큼 움직입니다: new = "
        "(1 − momentum)·old + momentum·batch_mean. 배치마다 한 번씩 적용하세요.",
    "batch normalization": "배치 정규화",
    "layer normalization": "층 정규화",
    "instance normalization": "인스턴스 정규화",
    "group normalization": "그룹 정규화",
    "one mean per channel": "채널마다 평균 하나",
    "one mean per example": "예제마다 평균 하나",
    "one mean per example and channel": "예제와 채널마다 평균 하나",
    "one mean per example and group of channels": "예제와 채널 그룹마다 평균 하나",
    "all its channels and positions": "그 예제의 모든 채널과 위치",
    "the positions": "위치",
    "the group's channels and positions": "그룹의 채널과 위치",
    "{means}, taken over {axes}: {kept} means (and as many variances), each over {values:,} / {count:,} = {per:,} "
    "values":
        "{means}, {axes}에 걸쳐 계산: 평균 {kept}개(분산도 같은 수), 하나마다 값 {values:,} / {count:,} = {per:,}개",
    "ask which axes are averaged over and which are kept: {norm} keeps {means}; multiply the sizes of the kept axes.":
        "어느 축에 걸쳐 평균을 내고 어느 축을 남기는지 생각해 보세요: {norm}는 {means}를 남깁니다. 남는 축의 크기를 "
        "곱하세요.",
    "{name}.bias: {count:,} (a batch norm follows)": "{name}.bias: {count:,}(바로 뒤에 배치 정규화)",
    "look for every convolution or linear layer that is followed directly by a batch norm: the batch norm subtracts "
    "the mean of each channel (feature), so a constant bias per channel cancels. Count those biases.":
        "바로 뒤에 배치 정규화가 오는 합성곱이나 선형 층을 모두 찾으세요: 배치 정규화는 채널(특성)마다 평균을 빼므로 "
        "채널마다 더해지는 상수 편향은 상쇄됩니다. 그런 편향의 수를 세세요.",
    "subtract from every feature (N x C) or channel (N x C x H x W) its mean over the batch (and all positions), "
    "without dividing":
        "모든 특성(N x C) 또는 채널(N x C x H x W)에서 배치(와 모든 위치)에 걸친 평균을 빼기(나누지는 않음)",
    "divide every feature (N x C) or channel (N x C x H x W) by the square root of its batch variance + ε, without "
    "subtracting the mean":
        "모든 특성(N x C) 또는 채널(N x C x H x W)을 배치 분산 + ε의 제곱근으로 나누기(평균은 빼지 않음)",
    "standardise every example over all its values (channels and positions): (x − mean) / √(var + ε)":
        "예제마다 그 모든 값(채널과 위치)에 걸쳐 표준화하기: (x − mean) / √(var + ε)",
    "your function raised {error_type}: {error} on an input of shape {shape}":
        "모양이 {shape}인 입력에서 함수가 {error_type} 예외를 일으켰습니다: {error}",
    "your function calls PyTorch's {functions}, which the exercise asks you to write yourself":
        "함수가 PyTorch의 {functions}을(를) 호출합니다. 이 연습에서는 직접 작성해야 합니다",
    "for an input of shape {shape} your function returned {got}, not a tensor of shape {expected}":
        "모양이 {shape}인 입력에서 함수가 모양이 {expected}인 텐서가 아니라 {got}을(를) 반환했습니다",
    "for an input of shape {shape} your output is off by up to {error:.3g}":
        "모양이 {shape}인 입력에서 출력이 최대 {error:.3g}만큼 어긋납니다",
    "{why}\nagrees with PyTorch on inputs of shape {shapes}": "{why}\n모양이 {shapes}인 입력에서 PyTorch와 일치합니다",
    "compute the mean and the variance of each example over every axis but the first (keepdim=True keeps them "
    "broadcastable), divide by N·... values, not one less, and add ε = 1e-5 inside the square root.":
        "예제마다 첫 번째 축을 뺀 모든 축에 걸쳐 평균과 분산을 구하세요(keepdim=True로 브로드캐스트할 수 있게 "
        "유지합니다). 하나 적은 수가 아니라 N·...개의 값으로 나누고, 제곱근 안에 ε = 1e-5를 더하세요.",
    "F.layer_norm(X, X.shape[1:], eps=1e-5): one mean and variance per example":
        "F.layer_norm(X, X.shape[1:], eps=1e-5): 예제마다 평균과 분산 하나씩",
    "the statistics are taken over axis 0 for an N x C input and over axes (0, 2, 3) for N x C x H x W; keepdim=True "
    "keeps them broadcastable. The variance divides by the number of values (unbiased=False) and ε = 1e-5 goes "
    "inside the square root.":
        "통계는 N x C 입력이면 축 0에 걸쳐, N x C x H x W 입력이면 축 (0, 2, 3)에 걸쳐 구합니다. keepdim=True로 "
        "브로드캐스트할 수 있게 유지하세요. 분산은 값의 개수로 나누고(unbiased=False), ε = 1e-5는 제곱근 안에 "
        "들어갑니다.",
    "the statistics are taken over axis 0 for an N x C input and over axes (0, 2, 3) for N x C x H x W; keepdim=True "
    "keeps them broadcastable. The variance divides by the number of values (unbiased=False).":
        "통계는 N x C 입력이면 축 0에 걸쳐, N x C x H x W 입력이면 축 (0, 2, 3)에 걸쳐 구합니다. keepdim=True로 "
        "브로드캐스트할 수 있게 유지하세요. 분산은 값의 개수로 나눕니다(unbiased=False).",
    "X − mean, the mean per feature over the batch (per channel over batch and positions)":
        "X − mean, mean은 특성마다 배치에 걸친 평균(채널이면 배치와 위치에 걸친 평균)",
    "X / √(var + 1e-5), the biased variance per feature (per channel over batch and positions)":
        "X / √(var + 1e-5), var는 특성마다 N으로 나눈 분산(채널이면 배치와 위치에 걸친 분산)",
    "in the pre-activation order each step is batch norm → ReLU → convolution (the convolution comes last), twice; "
    "then add X and return the sum as it is: there is no ReLU after the addition.":
        "사전 활성화 순서에서는 각 단계가 배치 정규화 → ReLU → 합성곱(합성곱이 마지막)이고, 이를 두 번 합니다. 그다음 "
        "X를 더하고 그 합을 그대로 반환하세요: 덧셈 뒤에는 ReLU가 없습니다.",
    "X + conv2(relu(bn2(conv1(relu(bn1(X)))))): the skip path carries X untouched to the output":
        "X + conv2(relu(bn2(conv1(relu(bn1(X)))))): 건너뛰는 경로가 X를 그대로 출력까지 전달합니다",
    "with γ = β = 0 the last batch norm outputs zeros, so the branch adds nothing: the block computes relu(X + 0). "
    "Think about what the final ReLU does to each entry of X.":
        "γ = β = 0이면 마지막 배치 정규화가 0을 출력하므로 분기는 아무것도 더하지 않습니다: 블록은 relu(X + 0)을 "
        "계산합니다. 마지막 ReLU가 X의 각 원소에 무엇을 하는지 생각해 보세요.",
    "g(X) = 0, so the block returns relu(X): the {negative} negative entries of X become 0, the others pass unchanged "
    "(the identity for inputs that are already ≥ 0, such as the output of an earlier block)":
        "g(X) = 0이므로 블록은 relu(X)를 반환합니다: X의 음수 원소 {negative}개는 0이 되고, 나머지는 그대로 "
        "통과합니다(앞 블록의 출력처럼 이미 ≥ 0인 입력에서는 항등 함수입니다)",
    # the size line of a training cell (course_utils.sizes)
    "[size {size}: {why}] {model}: {what}": "[크기 {size}: {why}] {model}: {what}",
    "the book's settings": "책의 설정 그대로",
    "chosen in the call": "호출에서 지정",
    "CI is set": "CI 환경",
    "CUDA GPU found": "CUDA GPU 있음",
    "Apple GPU found": "Apple GPU 있음",
    "no GPU found": "GPU 없음",
    "the 2,000-image sample (book: 60,000 images), validated on 500 (book: 10,000)":
        "2,000장짜리 표본(책: 60,000장), 검증은 500장(책: 10,000장)",
    "the first {num:,} of 60,000 training images": "훈련 이미지 60,000장 중 앞의 {num:,}장",
    "{repeat} passes over them per epoch": "에포크마다 {repeat}번씩 반복",
    "batch {batch} (book {book})": "배치 {batch}(책 {book})",
    "{side}x{side} images (book {book}x{book})": "{side}x{side} 이미지(책 {book}x{book})",
    "lr {lr:g} (book {book:g})": "학습률 {lr:g}(책 {book:g})",
    "a warm-up and cosine decay of the lr (book: constant)": "학습률 워밍업 후 코사인 감쇠(책: 고정)",
    "a constant lr (book: cosine)": "고정 학습률(책: 코사인)",
    "{epochs} epoch (book {book})": "{epochs} 에포크(책 {book})",
    "{epochs} epochs (book {book})": "{epochs} 에포크(책 {book})",
    "{model}({key}={value!r}) (book {was})": "{model}({key}={value!r})(책 {was})",
    # the explorers (course_utils.explorers, and the front end's phrases in explorers/static/explorer.js)

    # ---
    # the figures (course_utils.plotting, illustrations, diagrams)
    # course_utils.plotting
    "training loss": "훈련 손실",
    "validation accuracy": "검증 정확도",
    "ch {index}": "채널 {index}",
    "out {channel}": "출력 {channel}",
    "conv1 ch {index}": "conv1 채널 {index}",
    "predicted probabilities": "예측 확률",
    "scale γ (gamma)": "배율 γ (gamma)",
    "shift β (beta)": "이동 β (beta)",
    "initial value {start:g}": "초깃값 {start:g}",
    "channel": "채널",
    "parameters": "매개변수 수",
    "multiply-accumulates per image": "이미지당 곱셈-누산 횟수",
    "MACs per image": "이미지당 MACs",
    "measured accuracy": "측정된 정확도",
    " (not measured: {models})": " (측정 안 됨: {models})",
    "no measured accuracy for this size": "이 크기에서는 측정된 정확도가 없습니다",
    # course_utils.illustrations
    "input X": "입력 X",
    "input X padded by {padding}": "입력 X(패딩 {padding})",
    "kernel K": "커널 K",
    "output Y": "출력 Y",
    "middle layer": "중간 층",
    "Cross-correlation: each output is a window of X times K, summed":
        "교차 상관: 각 출력은 X의 창과 K를 원소끼리 곱해 모두 더한 값입니다",
    "Padding by 1 (grey cells are zeros): {formula}": "패딩 1(회색 셀은 0): {formula}",
    "Stride 3 down, 2 across, padding 1\n{heights}     {widths}":
        "보폭: 아래로 3, 옆으로 2, 패딩 1\n{heights}     {widths}",
    "{count} of {total} cells of the {layer}": "{layer}의 셀 {total}개 중 {count}개",
    "{name} reads {cells}": "{name}의 수용 영역: {cells}",
    "Receptive fields (orange) of two stacked cross-correlations with K = [{kernel}]":
        "교차 상관 두 개를 쌓았을 때의 수용 영역(주황색), K = [{kernel}]",
    "scene: {rows}×{cols} sample images": "장면: 샘플 이미지 {rows}×{cols}장",
    "template (kernel):\n{label}, {side}×{side}": "템플릿(커널):\n{label}, {side}×{side}",
    "normalised correlation\npeak {value:.2f} at row {row}, column {col}":
        "정규화된 상관\n최댓값 {value:.2f}: 행 {row}, 열 {col}",
    "below 0 drawn as 0": "0보다 작은 값은 0으로 표시",
    "Cross-correlating a scene with one of its items: the map peaks where the item is":
        "장면과 그 속 물체 하나의 교차 상관: 물체가 있는 곳에서 맵이 가장 큽니다",
    "every pixel read {most}×": "모든 픽셀을 {most}번 읽음",
    "read {least}× (corners) to {most}×": "{least}번(모서리)에서 {most}번까지 읽음",
    "k = {k}: {out}×{out} outputs\n{reads}": "k = {k}: 출력 {out}×{out}개\n{reads}",
    "How many windows read each pixel of the {size}×{size} input": "{size}×{size} 입력의 각 픽셀을 읽는 창의 수",
    "channel {c} alone": "채널 {c}만",
    "sum over\nchannels": "채널 합산",
    "Several input channels: one kernel channel per input channel, the results added":
        "여러 입력 채널: 입력 채널마다 커널 채널이 하나씩 있고, 그 결과를 더합니다",
    "W: a row per output": "W: 출력마다 한 행",
    "A 1×1 convolution mixes the channels at each pixel: one weighted sum per output channel":
        "1×1 합성곱은 픽셀마다 채널을 섞습니다: 출력 채널마다 가중합 하나",
    "2×2\nmax": "2×2\n최대",
    "2×2\nmean": "2×2\n평균",
    "Maximum pooling with a 2×2 window, stride 1": "최대 풀링: 2×2 창, 보폭 1",
    "Average pooling with a 2×2 window, stride 1": "평균 풀링: 2×2 창, 보폭 1",
    "nested: each class contains the last": "중첩: 각 클래스가 앞의 클래스를 포함합니다",
    "non-nested: larger, but not containing": "중첩 아님: 더 크지만 앞의 클래스를 포함하지 않습니다",
    "{kind}\ndistance of the best point to $f^*$: {distances}": "{kind}\n최선의 점에서 $f^*$까지의 거리: {distances}",
    "Function classes: only nested classes guarantee that more capacity brings us closer to $f^*$":
        "함수 클래스: 중첩된 클래스만이 용량이 커질수록 $f^*$에 더 가까워짐을 보장합니다",
    # course_utils.diagrams
    "conv {size}, {channels}": "합성곱 {size}, {channels}",
    "groups {groups}": "그룹 {groups}",
    "max pool {size}": "최대 풀링 {size}",
    "avg pool {size}": "평균 풀링 {size}",
    "global max pool": "전역 최대 풀링",
    "global avg pool": "전역 평균 풀링",
    "adaptive max pool to {size}": "적응형 최대 풀링 → {size}",
    "adaptive avg pool to {size}": "적응형 평균 풀링 → {size}",
    "dense {units}": "완전 연결 {units}",
    "flatten": "평탄화",
    "batch norm": "배치 정규화",
    "norm": "정규화",
    "shortcut: identity": "지름길: 항등",
    "shortcut: {projection}": "지름길: {projection}",
    ", stride {stride}": ", 보폭 {stride}",
    "3×3 max pool → 1×1 {channels}": "3×3 최대 풀링 → 1×1 {channels}",
    "ResNeXt {channels}, groups {groups}": "ResNeXt {channels}, 그룹 {groups}",
    "1×1 {bottleneck} → 3×3 {bottleneck} in {groups} groups → 1×1 {channels}":
        "1×1 {bottleneck} → 3×3 {bottleneck}(그룹 {groups}개) → 1×1 {channels}",
    "2 × conv 3×3, {channels} + batch norm": "2 × 합성곱 3×3, {channels} + 배치 정규화",
    "block {number}": "블록 {number}",
    "(not run)": "(실행 안 됨)",
    "input {shape}": "입력 {shape}",
    "output {shape}": "출력 {shape}",
    "concatenate along channels: {sums}": "채널 방향으로 연결: {sums}",
    "+ (add)": "+ (더하기)",
    "identity": "항등",
    "shortcut": "지름길",
    # course_utils.fonts
    "No font with Hangul was found for matplotlib, so Korean words in figures would show as empty boxes. Install "
    "one, then run set_language('ko') again: pip install koreanize-matplotlib (or, on Debian/Ubuntu, sudo apt-get "
    "install fonts-nanum).":
        "matplotlib이 쓸 수 있는 한글 글꼴을 찾지 못해 그림의 한국어 글자가 빈 네모로 나타납니다. 글꼴을 설치한 뒤 "
        "set_language('ko')를 다시 실행하세요: pip install koreanize-matplotlib (Debian/Ubuntu에서는 sudo apt-get "
        "install fonts-nanum).",
    # ---
    # the trainer's progress and report (course_utils.callbacks, trainer, comparison)
    "{seconds:.1f} s": "{seconds:.1f}초",
    "{minutes} min {rest} s": "{minutes}분 {rest}초",
    "{seconds:.0f} s": "{seconds:.0f}초",
    "{minutes:.0f} min": "{minutes:.0f}분",
    "compile='auto' trains eagerly on a CPU, where compiling was measured not to pay (benchmarks/bench_trainer.py); "
    "compile=True compiles anyway":
        "compile='auto'는 CPU에서 컴파일하지 않고 학습합니다. CPU에서는 컴파일이 이득이 없다고 측정되었습니다"
        "(benchmarks/bench_trainer.py). 그래도 컴파일하려면 compile=True",
    "compile='auto': about {left} of training left at {ms:.0f} ms a step, long enough to repay compiling":
        "compile='auto': 한 스텝에 {ms:.0f} ms로 학습이 약 {left} 남았으니, 컴파일 시간을 되찾기에 충분합니다",
    "compile='auto': about {left} of training left, too short to repay compiling":
        "compile='auto': 남은 학습이 약 {left}뿐이라 컴파일 시간을 되찾기에는 짧습니다",
    "compile='auto': torch.compile failed ({error}: {first}), training eagerly":
        "compile='auto': torch.compile이 실패해서({error}: {first}) 컴파일 없이 학습합니다",
    "{why}compiling the training step with torch.compile (once; it takes tens of seconds)...":
        "{why}torch.compile로 학습 스텝을 컴파일합니다(한 번만, 수십 초 걸립니다)...",
    "compiled in {time}; the training goes on compiled": "{time} 만에 컴파일했습니다. 이제 컴파일된 스텝으로 학습합니다",
    "{epoch}: compiling": "{epoch}: 컴파일 중",
    "Fashion-MNIST sample": "Fashion-MNIST 표본",
    " x {repeat} passes": " x {repeat}회 반복",
    "{what}: {train:,} train{passes} / {val:,} val images, {height}x{width}, batch {batch}":
        "{what}: 학습 이미지 {train:,}장{passes} / 검증 이미지 {val:,}장, {height}x{width}, 배치 {batch}",
    "size {size} ({why}) | ": "크기 {size}({why}) | ",
    "lr {lr:g}, ": "학습률 {lr:g}, ",
    "lr {lr:g} (warm-up, then cosine decay to 0), ": "학습률 {lr:g}(워밍업 후 0까지 코사인 감쇠), ",
    ", resuming after epoch {epoch}": ", 에포크 {epoch} 다음부터 이어서",
    "[{size}device {device}] {data} | {model}, {lr}{epochs}{resumed}": "[{size}장치 {device}] {data} | {model}, {lr}{epochs}{resumed}",
    "{count} epoch": "{count} 에포크",
    "{count} epochs": "{count} 에포크",
    "epoch {epoch}/{epochs}": "에포크 {epoch}/{epochs}",
    "epoch": "에포크",
    "epoch {epoch}/{epochs}: train_loss {train_loss:.4f}, val_loss {val_loss:.4f}, val_acc {val_acc:.4f} "
    "({speed:,.0f} img/s, {time})":
        "에포크 {epoch}/{epochs}: train_loss {train_loss:.4f}, val_loss {val_loss:.4f}, val_acc {val_acc:.4f} "
        "({speed:,.0f} img/s, {time})",
    "done: train_loss {train_loss:.4f}, val_loss {val_loss:.4f}, val_acc {val_acc:.4f} | {speed:,.0f} img/s | {time} "
    "({epochs}{compiled})":
        "완료: train_loss {train_loss:.4f}, val_loss {val_loss:.4f}, val_acc {val_acc:.4f} | {speed:,.0f} img/s | "
        "{time}({epochs}{compiled})",
    ", {time} of it compiling": ", 그중 컴파일 {time}",
    "{status}: {message}": "{status}: {message}",
    "completed": "완료",
    "stopped": "중단",
    "interrupted": "사용자 중단",
    "epoch {epoch}, batch {batch}": "에포크 {epoch}, 배치 {batch}",
    "the model's weights are now not finite": "모델의 가중치는 이제 유한하지 않습니다",
    "the model's weights are still finite": "모델의 가중치는 아직 유한합니다",
    "the loss became {loss} in {where}": "{where}에서 손실이 {loss}가 되었습니다",
    "the optimizer step of {where} made weights NaN or infinite (its batch's loss was finite)":
        "{where}의 옵티마이저 스텝이 가중치를 NaN이나 무한대로 만들었습니다(그 배치의 손실은 유한했습니다)",
    "{what}: training stopped (checked at {now}), and {state}; {kept}. {advice}":
        "{what}. 학습을 멈췄고({now}에 확인), {state}. {kept}. {advice}",
    "after epoch {epoch} the model's weights or buffers are not finite, so they were not saved; {kept}. {advice}":
        "에포크 {epoch} 뒤 모델의 가중치나 버퍼가 유한하지 않아 저장하지 않았습니다. {kept}. {advice}",
    "{path} still holds the weights after epoch {epoch}, the last good ones (resuming from it keeps its learning rate: "
    "to change it, start over)":
        "{path}에는 마지막으로 정상이었던 에포크 {epoch} 뒤의 가중치가 그대로 있습니다(여기서 이어서 학습하면 그 학습률을 "
        "그대로 씁니다. 학습률을 바꾸려면 처음부터 다시 시작하세요)",
    "no epoch had finished, so {folder} holds no checkpoint: build the model again":
        "끝난 에포크가 없어서 {folder}에는 체크포인트가 없습니다. 모델을 다시 만드세요",
    "no checkpoint was kept (checkpoint_dir=None): build the model again":
        "체크포인트를 남기지 않았습니다(checkpoint_dir=None). 모델을 다시 만드세요",
    "Try a lower learning rate, or gradient_clip_val=1.": "더 낮은 학습률이나 gradient_clip_val=1을 써 보세요.",
    "The optimizer's learning rate is {lr}: build the model with a finite positive one, e.g. lr=0.1.":
        "옵티마이저의 학습률이 {lr}입니다. 유한한 양수 학습률로 모델을 만드세요. 예: lr=0.1.",
    "Try a lower learning rate, e.g. lr={lower:g} instead of {lr:g}, or gradient_clip_val=1.":
        "더 낮은 학습률(예: lr={lr:g} 대신 lr={lower:g})이나 gradient_clip_val=1을 써 보세요.",
    "early stop: val_loss has not improved for {patience} epoch(s) (best {best:.4f} in epoch {epoch})":
        "조기 종료: val_loss가 {patience} 에포크 동안 나아지지 않았습니다(최저 {best:.4f}, 에포크 {epoch})",
    "in epoch {epoch}, batch {batch}; the model keeps its current weights and fit returned the history of the {done} "
    "finished epoch(s)":
        "에포크 {epoch}, 배치 {batch}에서 멈췄습니다. 모델은 지금의 가중치를 그대로 갖고, fit은 끝난 {done} 에포크의 기록을 "
        "돌려주었습니다",
    "num_gpus={num_gpus} but no GPU was found: training on the CPU": "num_gpus={num_gpus}이지만 GPU가 없습니다. CPU에서 학습합니다",
    "num_gpus={num_gpus}: training on the one Apple GPU (mps)": "num_gpus={num_gpus}: Apple GPU(mps) 하나로 학습합니다",
    "num_gpus={num_gpus} but {count} GPU(s) found: training on cuda:0":
        "num_gpus={num_gpus}이지만 GPU가 {count}개뿐입니다. cuda:0에서 학습합니다",
    "cpu ({threads} thread{layout})": "cpu(스레드 {threads}개{layout})",
    "cpu ({threads} threads{layout})": "cpu(스레드 {threads}개{layout})",
    # the comparison of 8.7 (course_utils.comparison): its column names and notes
    "Model": "모델",
    "Image": "이미지",
    "Params": "매개변수",
    "MACs/image": "MACs/이미지",
    "Receptive field": "수용 영역",
    "Val. acc.": "검증 정확도",
    "Epochs": "에포크",
    "s/epoch": "초/에포크",
    "Images/s": "이미지/초",
    "Device": "장치",
    "no results folder found": "결과 폴더를 찾지 못했습니다",
    "Size {size} ({why}). Params, MACs and receptive fields: computed now for the models this size trains.":
        "크기 {size}({why}). 매개변수, MACs, 수용 영역: 이 크기에서 학습하는 모델로 지금 계산했습니다.",
    " Accuracy and speed: measured runs from {where}; {missing} = not measured.":
        " 정확도와 속도: {where}에 기록된 측정 결과이며, {missing}는 측정하지 않은 값입니다.",
    "Measured in: {sources}": "측정한 곳: {sources}",
    "num_gpus={num_gpus}: this Trainer uses one GPU, cuda:0": "num_gpus={num_gpus}: 이 Trainer는 GPU 하나(cuda:0)만 씁니다",

    # ---
}
