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
    "the explorer failed on these values ({kind}: {error})":
        "이 값으로 탐색기를 계산하다가 오류가 났습니다({kind}: {error})",
    "between {low} and {high}": "{low}에서 {high} 사이의 값",
    "at least {low}": "{low} 이상의 값",
    "at most {high}": "{high} 이하의 값",
    "any number": "제한 없는 값",
    "{name} must be a whole number, got {value!r}: write e.g. {name}={example!r}":
        "{name}에는 정수를 써야 합니다. 받은 값: {value!r}. 예: {name}={example!r}",
    "{name} must be {range} here, got {value}{note}": "{name}에는 여기서 {range}만 쓸 수 있습니다. 받은 값: {value}{note}",
    "{name} must be a finite number, got {value!r}: write e.g. {name}={example!r}":
        "{name}에는 유한한 수를 써야 합니다. 받은 값: {value!r}. 예: {name}={example!r}",
    "{name} must be {range} here, got {value:g}{note}":
        "{name}에는 여기서 {range}만 쓸 수 있습니다. 받은 값: {value:g}{note}",
    "{name} must be one of {allowed}, got {value!r}": "{name}에는 {allowed} 중 하나를 써야 합니다. 받은 값: {value!r}",
    "{name} must be True or False, got {value!r}": "{name}에는 True나 False를 써야 합니다. 받은 값: {value!r}",
    "{rows} x {cols}, row-major": "{rows} x {cols}, 행 우선 순서",
    "{name} must be a list of {count} numbers ({shape}), got {value!r}":
        "{name}에는 수 {count}개의 리스트({shape})를 써야 합니다. 받은 값: {value!r}",
    "{name} must have {count} numbers ({shape}), got {got}": "{name}에는 수가 {count}개({shape}) 있어야 하는데 {got}개입니다",
    "{name} must have finite numbers only, got {bad}": "{name}에는 유한한 수만 쓸 수 있습니다. 받은 값: {bad}",
    "{name} must have numbers {range}, got {value:g}": "{name}에는 {range}만 쓸 수 있습니다. 받은 값: {value:g}",
    "{label}: write a whole number {range}": "{label}: 정수를 쓰세요({range})",
    "{label} must be {range} here, got {value}": "{label}에는 여기서 {range}만 쓸 수 있습니다. 받은 값: {value}",
    "“{text}” is not a number: write e.g. 1000, 1,000 or 1e3": "“{text}”: 수가 아닙니다. 1000, 1,000, 1e3처럼 쓰세요",
    "“{text}” is not a number: write e.g. 2, -0.5 or 1e3": "“{text}”: 수가 아닙니다. 2, -0.5, 1e3처럼 쓰세요",
    "each number must be {range}, got {value}": "각 칸에는 {range}만 쓸 수 있습니다. 받은 값: {value}",
    "{label} (box)": "{label} (입력 상자)",
    "{label} row {row}, column {col}": "{label} {row}행 {col}열",
    "{label}: paint with the mouse or a finger ({rows} × {cols} pixels)":
        "{label}: 마우스나 손가락으로 그리세요({rows} × {cols} 픽셀)",
    "clear": "지우기",
    "invert": "반전",
    "load a picture": "사진 불러오기",
    "load a picture…": "사진 불러오기…",
    "could not read “{name}” as a picture: try a PNG or JPEG file":
        "“{name}” 파일을 사진으로 읽을 수 없습니다. PNG나 JPEG 파일을 써 보세요",
    "The kernel did not answer: it is busy, or it was restarted. If it was restarted, run this cell again "
    "(Shift+Enter) to bring the explorer back.":
        "커널이 응답하지 않습니다. 바쁘거나 다시 시작되었습니다. 다시 시작되었다면 이 셀을 다시 실행해(Shift+Enter) "
        "탐색기를 되살리세요.",
    "the kernel refused this value": "커널이 이 값을 거부했습니다",
    "{title}: {rows} × {cols} cells; arrow keys move the selected cell":
        "{title}: {rows} × {cols} 셀. 화살표 키로 선택한 셀을 옮깁니다",
    "previous cell": "이전 셀",
    "next cell": "다음 셀",
    "play: walk through the cells": "재생: 셀을 차례로 훑기",
    "pause": "일시 정지",
    "{title}: cell {where}, {number} of {count}": "{title}: 셀 {where}, {count}개 중 {number}번째",
    "{title}: 1 cell": "{title}: 셀 1개",
    "{title}: {count} cells": "{title}: 셀 {count}개",
    "Point at a cell to see what it reads; click to keep it, arrow keys to move it.":
        "셀을 가리키면 그 셀이 읽는 것이 보입니다. 클릭하면 고정되고, 화살표 키로 옮길 수 있습니다.",
    "{title}, cell {where}": "{title}, 셀 {where}",
    "{here}: no field": "{here}: 수용 영역 없음",
    "{here} sees {title}, rows {top}…{bottom}, columns {left}…{right}: a {height}×{width} field":
        "{here}: {title}의 {top}…{bottom}행, {left}…{right}열을 봅니다. {height}×{width} 수용 영역",
    " (dashed: the part beyond the grid)": " (점선: 격자 밖으로 나간 부분)",
    " (padding)": " (패딩)",
    " (dropped)": " (잘려 나감)",
    " (unread)": " (읽히지 않음)",
    "{here}{value}{kind} is read by {title}, cell {cells}": "{here}{value}{kind}: {title}의 셀 {cells}이(가) 읽습니다",
    "{here}{value}{kind} is read by {title}, cells {cells}": "{here}{value}{kind}: {title}의 셀 {cells}이(가) 읽습니다",
    "{here}{value}{kind}: no cell of {title} reads it": "{here}{value}{kind}: {title}의 어떤 셀도 읽지 않습니다",
    "{shown}, … ({count} in all)": "{shown}, … (모두 {count}개)",
    "{shown} ({count} terms)": "{shown} (항 {count}개)",
    "; the cell shows {value}": "; 셀에 표시된 값은 {value}",
    "image side (pixels)": "이미지 한 변(픽셀)",
    "input channels": "입력 채널",
    "hidden units": "은닉 유닛",
    "output channels": "출력 채널",
    "as many parameters as the fully connected layer": "완전 연결 층과 같은 수의 매개변수",
    "about as many parameters as the fully connected layer ({difference:,} fewer)":
        "완전 연결 층과 거의 같은 수의 매개변수({difference:,}개 적음)",
    "about as many parameters as the fully connected layer ({difference:,} more)":
        "완전 연결 층과 거의 같은 수의 매개변수({difference:,}개 많음)",
    "{ratio} times fewer parameters than the fully connected layer": "완전 연결 층보다 {ratio}배 적은 매개변수",
    "{ratio} times more parameters than the fully connected layer": "완전 연결 층보다 {ratio}배 많은 매개변수",
    "{count:,} input": "입력 {count:,}개",
    "{count:,} inputs": "입력 {count:,}개",
    "{count:,} unit": "유닛 {count:,}개",
    "{count:,} units": "유닛 {count:,}개",
    "{count:,} hidden unit": "은닉 유닛 {count:,}개",
    "{count:,} hidden units": "은닉 유닛 {count:,}개",
    "{count:,} input channel": "입력 채널 {count:,}개",
    "{count:,} input channels": "입력 채널 {count:,}개",
    "{count:,} output channel": "출력 채널 {count:,}개",
    "{count:,} output channels": "출력 채널 {count:,}개",
    "{name} is a count, so it must be a whole number, got {value!r}: write e.g. {name}={example}":
        "{name}: 개수이므로 정수를 써야 합니다. 받은 값: {value!r}. 예: {name}={example}",
    "fully connected": "완전 연결",
    "channels": "채널",
    "kernel size": "커널 크기",
    "fully connected: {side:,}·{side:,}·{channels:,} = {inputs} → {units}":
        "완전 연결: {side:,}·{side:,}·{channels:,} = {inputs} → {units}",
    "convolution: {k}×{k} kernel, {inputs} → {outputs}": "합성곱: {k}×{k} 커널, {inputs} → {outputs}",
    "layer": "층",
    "parameters": "매개변수 수",
    "float32 memory": "float32 메모리",
    "<b>The convolution has {phrase}.</b><br>": "<b>합성곱에는 {phrase}가 있습니다.</b><br>",
    "Fully connected: each of the {hidden} has its own weight for each of the {inputs}: "
    "{count:,} · {units:,} = {weights:,} weights, and one bias per unit.<br>":
        "완전 연결: {hidden} 하나하나가 {inputs} 하나하나에 대해 자기만의 가중치를 가집니다: "
        "{count:,} · {units:,} = 가중치 {weights:,}개, 그리고 유닛마다 편향 하나.<br>",
    "Convolution: {c_out:,} · {c_in:,} · {k} · {k} = {weights:,} weights (one {k}×{k} kernel for each "
    "pair of input and output channel), and one bias per output channel. The image side does not "
    "appear in this count.<br>":
        "합성곱: {c_out:,} · {c_in:,} · {k} · {k} = 가중치 {weights:,}개(입력 채널과 출력 채널의 쌍마다 {k}×{k} "
        "커널 하나), 그리고 출력 채널마다 편향 하나. 이미지 한 변의 길이는 이 계산에 나오지 않습니다.<br>",
    "Two ideas make it so small. <i>Locality</i>: an output looks only at a small patch of the image "
    "around its position ({k}×{k} pixels here), not at every pixel. <i>Translation invariance</i>: "
    "the same kernel is used at every position, so a pattern is detected in the same way wherever it "
    "appears, and its weights are learned once instead of once per position.":
        "이렇게 적은 까닭은 두 가지 생각에 있습니다. <i>지역성</i>(locality): 출력은 모든 픽셀이 아니라 자기 위치 "
        "둘레의 작은 조각(여기서는 {k}×{k} 픽셀)만 봅니다. <i>평행 이동 불변성</i>(translation invariance): 모든 "
        "위치에서 같은 커널을 쓰므로, 패턴이 어디에 나타나든 같은 방식으로 검출되고, 그 가중치도 위치마다 따로가 "
        "아니라 한 번만 학습됩니다.",
    "fully connected {fc:,} parameters ({fc_bytes}), convolution {conv:,} ({conv_bytes}): {phrase}":
        "완전 연결 매개변수 {fc:,}개({fc_bytes}), 합성곱 {conv:,}개({conv_bytes}): {phrase}",
    "window": "창",
    "stride": "보폭",
    "padding": "패딩",
    "rounding": "올림",
    "pooling": "풀링",
    "mode": "방식",
    "window height": "창 높이",
    "window width": "창 너비",
    "stride (rows)": "보폭(행)",
    "stride (columns)": "보폭(열)",
    "padding (rows)": "패딩(행)",
    "padding (columns)": "패딩(열)",
    "PyTorch allows at most half the window: {window} // 2 = {half}":
        "PyTorch는 창의 절반까지만 허용합니다: {window} // 2 = {half}",
    "round the output size up; a last window must start inside the input or the top/left padding":
        "출력 크기를 올림합니다. 마지막 창은 입력 안이나 위쪽/왼쪽 패딩에서 시작해야 합니다",
    "average pooling only: max pooling never counts padding (it pads with −∞)":
        "평균 풀링 전용: 최대 풀링은 패딩을 세지 않습니다(−∞로 패딩합니다)",
    "divide by the whole window, padding zeros included": "패딩의 0까지 포함해 창 전체의 셀 수로 나눕니다",
    "output row": "출력 행",
    "output column": "출력 열",
    "cell": "셀",
    "no output": "출력 없음",
    "the output has {count} rows": "출력은 {count}행입니다",
    "the output has {count} columns": "출력은 {count}열입니다",
    '<p class="explorer-error"><b>Not possible:</b> {error}</p>':
        '<p class="explorer-error"><b>불가능한 설정:</b> {error}</p>',
    "not possible: {error}": "불가능한 설정: {error}",
    "max pooled {rows}×{cols}": "최대 풀링 결과 {rows}×{cols}",
    "avg pooled {rows}×{cols}": "평균 풀링 결과 {rows}×{cols}",
    "max pooling {sizes} ({settings})": "최대 풀링 {sizes} ({settings})",
    "avg pooling {sizes} ({settings})": "평균 풀링 {sizes} ({settings})",
    "window {window}, stride {stride}, padding {padding}": "창 {window}, 보폭 {stride}, 패딩 {padding}",
    "padding: never read by max pooling (PyTorch pads with −∞)": "패딩: 최대 풀링은 읽지 않습니다(PyTorch는 −∞로 패딩합니다)",
    "padding: zeros, counted in the average": "패딩: 0, 평균에 포함됨",
    "padding: zeros, not counted in the average": "패딩: 0, 평균에 포함되지 않음",
    "input {rows}×{cols}": "입력 {rows}×{cols}",
    "<p><b>max pooling: {sizes}</b> ({settings})</p>": "<p><b>최대 풀링: {sizes}</b> ({settings})</p>",
    "<p><b>avg pooling: {sizes}</b> ({settings})</p>": "<p><b>평균 풀링: {sizes}</b> ({settings})</p>",
    "rows {rows}, columns {cols}": "{rows}행, {cols}열",
    "<p>Output cell ({row}, {col}) = the largest of the {count} pixels in input {where} = {value}.</p>":
        "<p>출력 셀 ({row}, {col}) = 입력 {where}에 있는 픽셀 {count}개 중 가장 큰 값 = {value}.</p>",
    "; {count} of them are padding zeros, counted (count_include_pad=True)":
        "; 그중 {count}개는 패딩의 0이며 개수에 들어갑니다(count_include_pad=True)",
    "; the {count} padding cells are not counted (count_include_pad=False)":
        "; 패딩 셀 {count}개는 개수에 들어가지 않습니다(count_include_pad=False)",
    "; {count} cells of the window lie beyond the padding and are left out (ceil_mode)":
        "; 창의 셀 {count}개는 패딩 너머에 있어 빠집니다(ceil_mode)",
    "<p>Output cell ({row}, {col}) = the mean of input {where} = {total} / {count} = {value} "
    "(divided by the {count} cells it reads{counted}).</p>":
        "<p>출력 셀 ({row}, {col}) = 입력 {where}의 평균 = {total} / {count} = {value} "
        "(읽는 셀 {count}개로 나눕니다{counted}).</p>",
    "kernel {kernel}": "커널 {kernel}",
    "kernel {kernel} with dilation {dilation} spans {span} and": "커널 {kernel}(팽창 {dilation}, 폭 {span})",
    "add padding or use a smaller kernel": "패딩을 더하거나 더 작은 커널을 쓰세요",
    "add padding, use a smaller kernel or a smaller dilation": "패딩을 더하거나, 더 작은 커널이나 더 작은 팽창을 쓰세요",
    "the padded input {padded} (input {size}, padding {padding})": "패딩한 입력 {padded}(입력 {size}, 패딩 {padding})",
    "the input {size}": "입력 {size}",
    "{kernel} is larger than {where}: {remedy}": "{kernel}의 크기가 {where}보다 큽니다. {remedy}",
    "the padded input {padded} (input {size}, padding {before} before and {after} after)":
        "패딩한 입력 {padded}(입력 {size}, 패딩 앞 {before}, 뒤 {after})",
    "output_padding {output_padding} must be smaller than the stride {stride} or the dilation {dilation} "
    "(PyTorch requires output_padding < max(stride, dilation) = {limit}): use output_padding <= {most}":
        "output_padding {output_padding}: 보폭 {stride}, 팽창 {dilation} 중 큰 쪽보다 작아야 합니다(PyTorch의 조건: "
        "output_padding < max(stride, dilation) = {limit}). output_padding을 {most} 이하로 하세요",
    "the output would be {out}: input {size} with kernel {kernel} reaches {full} output pixels and padding "
    "{padding} trims {trimmed} of them; use a smaller padding":
        "출력 크기는 {out}입니다: 입력 {size}, 커널 {kernel}의 출력은 {full}픽셀인데 패딩 {padding}의 몫으로 "
        "{trimmed}픽셀을 잘라 냅니다. 더 작은 패딩을 쓰세요",
    "padding {padding} is more than half the pooling window {window}: PyTorch allows at most "
    "kernel_size // 2 = {half}; use a smaller padding or a larger window":
        "패딩 {padding}: 풀링 창 {window}의 절반보다 큽니다. PyTorch는 kernel_size // 2 = {half}까지만 허용합니다. "
        "더 작은 패딩이나 더 큰 창을 쓰세요",
    "pooling window {window} on input {size} gives an empty output {out}":
        "입력 {size}, 풀링 창 {window}의 출력은 빈 {out}입니다",
    "{name} = {formula}: ({inside}) = {numerator} < 0, no window fits":
        "{name} = {formula}: ({inside}) = {numerator} < 0, 들어가는 창이 없습니다",
    "{formula}: output_padding {output_padding} must be < max(stride, dilation) = {limit}":
        "{formula}: output_padding {output_padding} < max(stride, dilation) = {limit}이어야 합니다",
    "{formula} = {out} < 1, no output": "{formula} = {out} < 1, 출력 없음",
    " − 1 (the last window would start in the padding)": " − 1 (마지막 창이 패딩에서 시작하게 됩니다)",
    "a transposed convolution takes its padding as numbers: nn.ConvTranspose2d has no padding='{mode}'; choose "
    "padding_mode 'explicit'":
        "전치 합성곱은 패딩을 수로만 받습니다: nn.ConvTranspose2d에는 padding='{mode}' 옵션이 없습니다. "
        "padding_mode 'explicit'을 고르세요",
    "padding='same' needs stride 1, but the stride is {stride} (PyTorch refuses 'same' for a strided convolution): "
    "set both strides to 1 or choose explicit padding":
        "padding='same'에는 보폭 1이 필요한데 보폭이 {stride}입니다(PyTorch는 보폭이 있는 합성곱에 'same'을 허용하지 "
        "않습니다). 두 보폭을 모두 1로 하거나 explicit 패딩을 고르세요",
    "{most} or {last}": "{most} 또는 {last}",
    "{first} is not whole": "{first}: 정수가 아님",
    "{first} and {second} are not whole": "{first}, {second}: 정수가 아님",
    "groups = {groups} must divide both in_channels = {c_in} and out_channels = {c_out} ({whole}): choose groups "
    "{listed}":
        "groups = {groups}: in_channels = {c_in}, out_channels = {c_out} 둘 다의 약수여야 합니다({whole}). "
        "가능한 groups: {listed}",
    "height: {error}": "높이: {error}",
    "width: {error}": "너비: {error}",
    "row {rows}": "{rows}행",
    "rows {rows}": "{rows}행",
    "column {cols}": "{cols}열",
    "columns {cols}": "{cols}열",
    "nothing (= {total})": "없음 (= {total})",
    "the sum of {count} products input·weight = {total}": "입력·가중치 곱 {count}개의 합 = {total}",
    "row {row}": "{row}행",
    "column {col}": "{col}열",
    " ({where} lies in the padding)": " ({where}은 패딩에 있습니다)",
    " ({where} lie in the padding)": " ({where}은 패딩에 있습니다)",
    "{most} and {last}": "{most}, {last}",
    "padding {rows}×{cols} (trimmed from both ends of the output)": "패딩 {rows}×{cols}(출력의 양 끝에서 잘라 냄)",
    "padding 'valid' (none)": "패딩 'valid'(없음)",
    "top {top}, bottom {bottom}, left {left}, right {right}": "위 {top}, 아래 {bottom}, 왼쪽 {left}, 오른쪽 {right}",
    "padding 'same' ({sides})": "패딩 'same'({sides})",
    "padding {sides}": "패딩 {sides}",
    "transposed convolution": "전치 합성곱",
    "kind": "종류",
    "nn.ConvTranspose2d: each input cell spreads the kernel over the output":
        "nn.ConvTranspose2d: 입력 셀마다 커널을 출력 위에 펼칩니다",
    "input height": "입력 높이",
    "input width": "입력 너비",
    "kernel height": "커널 높이",
    "kernel": "커널",
    "kernel width": "커널 너비",
    "no padding": "패딩 없음",
    "the output keeps the input's size; stride 1 only": "출력이 입력의 크기를 유지합니다. 보폭 1에서만 됩니다",
    "a transposed convolution takes explicit padding only": "전치 합성곱은 explicit 패딩만 받습니다",
    "pad top": "위쪽 패딩",
    "pad bottom": "아래쪽 패딩",
    "pad left": "왼쪽 패딩",
    "pad right": "오른쪽 패딩",
    "transposed: PyTorch's padding is symmetric, the same as top ({used})":
        "전치: PyTorch의 패딩은 대칭이라 위쪽과 같습니다({used})",
    "transposed: PyTorch's padding is symmetric, the same as left ({used})":
        "전치: PyTorch의 패딩은 대칭이라 왼쪽과 같습니다({used})",
    "trims {used} from the top and bottom of the output": "출력의 위아래에서 {used}씩 잘라 냅니다",
    "trims {used} from the left and right of the output": "출력의 왼쪽과 오른쪽에서 {used}씩 잘라 냅니다",
    "'{mode}' pads {used} here": "'{mode}'의 패딩은 여기서 {used}입니다",
    "dilation (rows)": "팽창(행)",
    "dilation (columns)": "팽창(열)",
    "dilation": "팽창",
    "'same' needs 1": "'same'에는 1이 필요합니다",
    "{groups} (depthwise)": "{groups} (깊이별)",
    "{groups} (does not divide {c_in} and {c_out})": "{groups} ({c_in}, {c_out}의 약수가 아님)",
    "groups": "그룹(groups)",
    "divides both {c_in} and {c_out}": "{c_in}, {c_out} 둘 다의 약수",
    "output padding (rows)": "출력 패딩(행)",
    "output padding (columns)": "출력 패딩(열)",
    "output padding": "출력 패딩",
    "must be < max(stride, dilation) = {limit}": "max(stride, dilation) = {limit}보다 작아야 합니다",
    "transposed convolution only": "전치 합성곱 전용",
    "output {rows}×{cols}": "출력 {rows}×{cols}",
    "output channel 0": "출력 채널 0",
    "transposed convolution {size} → {out} (kernel {kernel}, {padding}, stride {stride}, dilation {dilation}, "
    "channels {c_in} → {c_out}, groups {groups})":
        "전치 합성곱 {size} → {out} (커널 {kernel}, {padding}, 보폭 {stride}, 팽창 {dilation}, 채널 {c_in} → {c_out}, "
        "그룹 {groups})",
    "convolution {size} → {out} (kernel {kernel}, {padding}, stride {stride}, dilation {dilation}, channels {c_in} → "
    "{c_out}, groups {groups})":
        "합성곱 {size} → {out} (커널 {kernel}, {padding}, 보폭 {stride}, 팽창 {dilation}, 채널 {c_in} → {c_out}, "
        "그룹 {groups})",
    "input channels 0–{last} (the group of output channel 0), stacked top to bottom":
        "입력 채널 0–{last}(출력 채널 0의 그룹), 위에서 아래로 쌓음",
    "input channel 0": "입력 채널 0",
    "the padding is zeros around the input": "패딩은 입력 둘레의 0입니다",
    "padded input {rows}×{cols}": "패딩한 입력 {rows}×{cols}",
    "weights into output channel 0": "출력 채널 0으로 가는 가중치",
    "one {kernel} slice per input channel 0–{last}, stacked": "입력 채널 0–{last}마다 {kernel} 조각 하나씩, 쌓음",
    "in {channel}": "입력 {channel}",
    "out {channel}": "출력 {channel}",
    "groups = {groups}: each reads {per} of {c_in}": "groups = {groups}: 각각 {c_in}개 중 {per}개를 읽습니다",
    "<p><b>Transposed convolution: input {size} → output {out}</b> (kernel {kernel}, {padding}, stride {stride}, "
    "dilation {dilation}, output padding {output_padding})</p>":
        "<p><b>전치 합성곱: 입력 {size} → 출력 {out}</b> (커널 {kernel}, {padding}, 보폭 {stride}, 팽창 {dilation}, "
        "출력 패딩 {output_padding})</p>",
    "<p><b>Convolution: input {size} → output {out}</b> (kernel {kernel}, {padding}, stride {stride}, dilation "
    "{dilation})</p>":
        "<p><b>합성곱: 입력 {size} → 출력 {out}</b> (커널 {kernel}, {padding}, 보폭 {stride}, 팽창 {dilation})</p>",
    "<p>padding='same' adds d·(k − 1) = {rows} rows (top {top}, bottom {bottom}) and {cols} columns (left {left}, "
    "right {right}), so the output keeps the input's size; an odd number puts the extra one at the bottom or "
    "right.</p>":
        "<p>padding='same'은 d·(k − 1) = {rows}개의 행(위 {top}, 아래 {bottom})과 {cols}개의 열(왼쪽 {left}, 오른쪽 "
        "{right})을 덧붙여 출력이 입력의 크기를 유지하게 합니다. 수가 홀수이면 남는 하나는 아래쪽이나 오른쪽에 "
        "갑니다.</p>",
    "<p>Each input cell adds input × kernel to the output, the kernel placed at stride {stride}; padding then trims "
    "{rows} and {cols} from both ends. Output cell (y, x) sums the input cells i with i·s + a·d = y + p along each "
    "axis (a: the kernel row or column).</p>":
        "<p>입력 셀마다 입력 × 커널을 출력에 더하며, 커널은 보폭 {stride} 간격으로 놓입니다. 그다음 패딩이 양 끝에서 "
        "{rows}과 {cols}을 잘라 냅니다. 출력 셀 (y, x)에는 축마다 i·s + a·d = y + p인 입력 셀 i가 더해집니다"
        "(a: 커널의 행 또는 열).</p>",
    "{count} row": "{count}행",
    "{count} rows": "{count}행",
    "{count} column": "{count}열",
    "{count} columns": "{count}열",
    " in each of input channels 0–{last} (the sum runs over the channels too)":
        " (입력 채널 0–{last} 각각에서 읽으며, 합은 채널에 걸쳐서도 계산됩니다)",
    "<p>Output cell ({row}, {col}) receives nothing from the input (output padding adds it), so it is 0.</p>":
        "<p>출력 셀 ({row}, {col}): 입력에서 받는 것이 없으므로(출력 패딩이 덧붙인 셀) 0입니다.</p>",
    "<p>Output cell ({row}, {col}) reads nothing.</p>": "<p>출력 셀 ({row}, {col}): 읽는 것이 없습니다.</p>",
    " (kernel {rows}, {cols})": " (커널 {rows}, {cols})",
    "<p>Output cell ({row}, {col}) reads input {rows} and {cols}{hint}{channels}: {sum}.</p>":
        "<p>출력 셀 ({row}, {col}): 입력의 {rows}, {cols}을 읽습니다{hint}{channels}: {sum}.</p>",
    "one input channel, read by all {c_out} output channels": "입력 채널 하나를 출력 채널 {c_out}개가 모두 읽습니다",
    "one input channel": "입력 채널 하나",
    "every output channel reads all {c_in} input channels": "모든 출력 채널이 입력 채널 {c_in}개를 모두 읽습니다",
    "depthwise: {groups} groups, each output channel reads one input channel":
        "깊이별: 그룹 {groups}개, 각 출력 채널이 입력 채널 하나를 읽습니다",
    " ({count} output channels per input channel)": " (입력 채널마다 출력 채널 {count}개)",
    "grouped, as in ResNeXt: {groups} groups, each output channel reads {per} of the {c_in} input channels":
        "ResNeXt처럼 그룹으로 나눔: 그룹 {groups}개, 각 출력 채널이 입력 채널 {c_in}개 중 {per}개를 읽습니다",
    "<p>Weights: out·(in/groups)·k_h·k_w = {c_out}·({c_in}/{groups})·{k_h}·{k_w} = {count} "
    "(weight shape {shape}); {how}.":
        "<p>가중치: out·(in/groups)·k_h·k_w = {c_out}·({c_in}/{groups})·{k_h}·{k_w} = {count}(가중치 모양 {shape}). "
        "{how}.",
    " The grids follow output channel 0 and the input channels {span} it reads.":
        " 격자는 출력 채널 0과 그 채널이 읽는 입력 채널({span})을 따라갑니다.",
    " The grids follow output channel 0 and the input channel {span} it reads.":
        " 격자는 출력 채널 0과 그 채널이 읽는 입력 채널({span})을 따라갑니다.",
    "identity": "항등",
    "edge": "모서리",
    "vertical edge": "세로 모서리",
    "blur": "흐림",
    "sharpen": "선명화",
    "sobel x": "소벨 x",
    "sobel y": "소벨 y",
    "laplacian": "라플라시안",
    "custom": "직접 입력",
    "copies the pixel under its 1: the output is the image, less the border the kernel cannot slide over.":
        "1 아래의 픽셀을 그대로 옮깁니다. 출력은 이미지에서 커널이 밀고 지나갈 수 없는 테두리를 뺀 것입니다.",
    "the book's kernel [1, −1]: each output is a pixel minus its right-hand neighbour. It is 0 where the image is "
    "flat and large where the brightness changes from left to right, that is at vertical edges: positive from "
    "light to dark, negative from dark to light.":
        "책의 커널 [1, −1]: 각 출력은 픽셀에서 오른쪽 이웃을 뺀 값입니다. 이미지가 평평한 곳에서는 0이고, 밝기가 "
        "왼쪽에서 오른쪽으로 바뀌는 곳, 곧 세로 모서리에서 큽니다. 밝은 쪽에서 어두운 쪽으로 가면 양수, 어두운 "
        "쪽에서 밝은 쪽으로 가면 음수입니다.",
    "[1, −1] turned upright: each output is a pixel minus the pixel below it, so it finds horizontal edges, where "
    "the brightness changes from top to bottom.":
        "[1, −1]을 세로로 세운 것: 각 출력은 픽셀에서 그 아래 픽셀을 뺀 값이므로, 밝기가 위에서 아래로 바뀌는 "
        "가로 모서리를 찾습니다.",
    "the mean of the window: every output is an average of its neighbourhood, so the image gets smoother and its "
    "edges soft.":
        "창의 평균: 모든 출력이 주변의 평균이므로 이미지가 더 매끄러워지고 모서리가 부드러워집니다.",
    "five times the pixel minus its four neighbours: flat areas stay as they are and edges stand out more.":
        "픽셀의 다섯 배에서 네 이웃을 뺍니다. 평평한 영역은 그대로이고 모서리는 더 두드러집니다.",
    "the right column minus the left one, the middle row counted twice: large where the image gets brighter "
    "(positive) or darker (negative) from left to right, smoothed across three rows.":
        "오른쪽 열에서 왼쪽 열을 빼되 가운데 행은 두 번 셉니다. 이미지가 왼쪽에서 오른쪽으로 밝아지는(양수) 곳이나 "
        "어두워지는(음수) 곳에서 크며, 세 행에 걸쳐 매끄럽게 합니다.",
    "the bottom row minus the top one, the middle column counted twice: large where the image gets brighter "
    "(positive) or darker (negative) from top to bottom.":
        "아래 행에서 위 행을 빼되 가운데 열은 두 번 셉니다. 이미지가 위에서 아래로 밝아지는(양수) 곳이나 "
        "어두워지는(음수) 곳에서 큽니다.",
    "the four neighbours minus four times the pixel: 0 on flat and evenly sloping areas, large at fine detail and "
    "on both sides of an edge.":
        "네 이웃에서 픽셀의 네 배를 뺍니다. 평평한 영역과 고르게 기울어진 영역에서는 0이고, 세밀한 부분과 모서리의 "
        "양쪽에서 큽니다.",
    "your kernel: each output pixel is the sum of the weights times the pixels under them.":
        "직접 만든 커널: 각 출력 픽셀은 가중치와 그 아래 픽셀을 곱해 더한 값입니다.",
    "{preset} fits any size": "{preset}: 어떤 크기로도 만들 수 있습니다",
    "resizing keeps the top-left weights and fills new ones with 0":
        "크기를 바꾸면 왼쪽 위 가중치는 그대로 두고 새 가중치는 0으로 채웁니다",
    "resizing {preset} makes it a custom kernel": "{preset}의 크기를 바꾸면 직접 입력한 커널이 됩니다",
    "rows": "행",
    "columns": "열",
    "size": "크기",
    "editing a weight makes the kernel custom": "가중치를 고치면 직접 입력한 커널이 됩니다",
    "image X ({size})": "이미지 X ({size})",
    "kernel K ({size})": "커널 K ({size})",
    "output Y ({size})": "출력 Y ({size})",
    "the kernel is {kernel} but the image only {image}: no window fits; use at most {rows} rows and {cols} columns":
        "커널은 {kernel}인데 이미지는 {image}뿐이라 들어가는 창이 없습니다. 행은 {rows}개, 열은 {cols}개 이하로 하세요",
    "{preset} kernel {kernel}: larger than the image {image}": "{preset} 커널 {kernel}: 이미지 {image}보다 큽니다",
    "The weights add up to 0, so flat areas give 0 and only changes show.":
        "가중치의 합이 0이므로 평평한 영역은 0이 되고 변화만 드러납니다.",
    "The weights add up to {total}, so a flat area of brightness b gives {total}·b.":
        "가중치의 합이 {total}이므로 밝기가 b인 평평한 영역은 {total}·b가 됩니다.",
    "<b>output {out}</b>: ({h} − {kh} + 1) × ({w} − {kw} + 1) for a {image} image and a {kernel} kernel; values from "
    "{low} to {high}, the strongest {strongest} at row {row}, column {col}.<br>":
        "<b>출력 {out}</b>: {image} 이미지와 {kernel} 커널이면 ({h} − {kh} + 1) × ({w} − {kw} + 1)입니다. 값은 "
        "{low}부터 {high}까지이고, 가장 강한 값은 {row}행 {col}열의 {strongest}입니다.<br>",
    "{flat} Like the book's corr2d, PyTorch's conv2d computes a cross-correlation: the kernel is not flipped. Point "
    "at an output pixel to see its sum.":
        "{flat} 책의 corr2d처럼 PyTorch의 conv2d도 교차 상관을 계산합니다. 커널을 뒤집지 않습니다. 출력 픽셀을 "
        "가리키면 그 합이 보입니다.",
    "{preset} kernel {kernel} on a {image} image: output {out}, values {low} to {high}":
        "{image} 이미지 위의 {preset} 커널 {kernel}: 출력 {out}, 값 {low}부터 {high}까지",
    "test image": "테스트 이미지",
    "drawing": "그림",
    "show": "보기",
    "there is one test image": "테스트 이미지가 하나뿐입니다",
    "{count} test images": "테스트 이미지 {count}장",
    "light strokes on a dark background, like Fashion-MNIST's white garments on black":
        "어두운 바탕에 밝은 획으로 그리세요. Fashion-MNIST의 옷이 검은 바탕에 흰색인 것과 같습니다",
    "invert the drawing": "그림 반전",
    "for a dark garment on a light background, e.g. a photo": "밝은 바탕 위의 어두운 옷(예: 사진)일 때 켜세요",
    "your drawing, inverted": "직접 그린 그림, 반전",
    "your drawing": "직접 그린 그림",
    "test image {index}: {name}": "테스트 이미지 {index}: {name}",
    "test image {index}": "테스트 이미지 {index}",
    "channel {channel}": "채널 {channel}",
    "layer {name} ({kind})": "층 {name} ({kind})",
    "{count} feature map of {size}": "{size} 특성 맵 {count}장",
    "{count} feature maps of {size}": "{size} 특성 맵 {count}장",
    " (the first {shown} are drawn)": " (처음 {shown}장만 그림)",
    "Input: your drawing, inverted (1 − pixel).": "입력: 직접 그린 그림, 반전(1 − 픽셀).",
    "Input: your drawing.": "입력: 직접 그린 그림.",
    ", label {label} ({name})": ", 레이블 {label} ({name})",
    ", label {label}": ", 레이블 {label}",
    "Input: test image {index} of {count}{label}.": "입력: 테스트 이미지 {count}장 중 {index}번{label}.",
    "rank": "순위",
    "class": "클래스",
    "probability": "확률",
    "The model's most likely class: <b>{name}</b> ({probability}).":
        "모델이 가장 가능성 높다고 보는 클래스: <b>{name}</b> ({probability}).",
    "The model's output ({got}) is not one score per class: no prediction to show.":
        "모델의 출력({got})은 클래스마다 점수 하나가 아니므로 보여 줄 예측이 없습니다.",
    "To draw: light strokes on a dark background, as Fashion-MNIST's garments are white on black (for a photo of a "
    "dark garment on a light background, turn on invert).":
        "그리는 법: Fashion-MNIST의 옷은 검은 바탕에 흰색이므로 어두운 바탕에 밝은 획으로 그리세요(밝은 바탕 위의 "
        "어두운 옷을 찍은 사진이라면 '그림 반전'을 켜세요).",
    "{layer}: {maps}, input {title}": "{layer}: {maps}, 입력 {title}",
    "class {k}": "클래스 {k}",
    "{first} to {last}": "{first}~{last}",
    "layer 1: kernel {k}×{k} is larger than the {n}×{n} input: use a larger input or a smaller kernel 1":
        "층 1: 커널 {k}×{k}의 크기가 {n}×{n} 입력보다 큽니다. 더 큰 입력이나 더 작은 커널 1을 쓰세요",
    "hidden side": "은닉 맵 한 변",
    "a larger input, smaller kernels or a smaller stride": "더 큰 입력이나 더 작은 커널, 더 작은 보폭을 쓰세요",
    "a larger input, smaller kernels": "더 큰 입력이나 더 작은 커널을 쓰세요",
    "layer 2: kernel {k}×{k} is larger than the {side}×{side} hidden map ({formula}): use {remedy}":
        "층 2: 커널 {k}×{k}의 크기가 {side}×{side} 은닉 맵보다 큽니다({formula}). {remedy}",
    "input size": "입력 크기",
    "layer 1 kernel": "층 1 커널",
    "layer 1": "층 1",
    "layer 1 stride": "층 1 보폭",
    "layer 2 kernel": "층 2 커널",
    "layer 2": "층 2",
    "no output: layer {layer} does not fit": "출력 없음: 층 {layer}의 커널이 들어가지 않습니다",
    "the output is a single cell": "출력은 셀 하나입니다",
    "output cell": "출력 셀",
    "conv {k}×{k}, stride {stride}": "합성곱 {k}×{k}, 보폭 {stride}",
    "conv {k}×{k}": "합성곱 {k}×{k}",
    "kernel 1 ({k}×{k})": "커널 1 ({k}×{k})",
    "kernel 2 ({k}×{k})": "커널 2 ({k}×{k})",
    "hidden {side}×{side}": "은닉 {side}×{side}",
    "output {out}, receptive field {field}": "출력 {out}, 수용 영역 {field}",
    "Output cell ({i}, {j}) = {value} reads hidden rows {rows}, columns {cols} (its {k2}×{k2} window); each of "
    "those cells reads a {k1}×{k1} window of the input, so the output cell sees input rows {top_bottom}, columns "
    "{left_right}: a receptive field of {side}×{side} pixels.":
        "출력 셀 ({i}, {j}) = {value}: 은닉 맵의 {rows}행, {cols}열을 읽습니다({k2}×{k2} 창). 그 셀 하나하나가 입력의 "
        "{k1}×{k1} 창을 읽으므로, 출력 셀은 입력의 {top_bottom}행, {left_right}열을 봅니다: {side}×{side} 픽셀의 "
        "수용 영역입니다.",
    "Field side = {formula}.": "수용 영역의 한 변 = {formula}.",
    "That is larger than the {k}×{k} window one layer reads: every layer added lets an output see more of the input.":
        "층 하나가 읽는 {k}×{k} 창보다 큽니다: 층을 하나 더할 때마다 출력이 입력을 더 많이 보게 됩니다.",
    "A 1×1 second layer adds nothing: the field stays the {k}×{k} window of layer 1.":
        "1×1 두 번째 층은 아무것도 더하지 않습니다: 수용 영역은 층 1의 {k}×{k} 창 그대로입니다.",
    "With stride {stride} larger than kernel {k}, some input pixels lie between the windows (shaded): no output "
    "reads them, although they lie inside the {side}×{side} span.":
        "보폭({stride})이 커널({k})보다 크므로 일부 입력 픽셀이 창 사이에 놓입니다(음영). 그 픽셀들은 {side}×{side} "
        "범위 안에 있지만 어떤 출력도 읽지 않습니다.",
    "Here the field is the whole {n}×{n} input.": "여기서는 수용 영역이 {n}×{n} 입력 전체입니다.",
    "conv {size}": "합성곱 {size}",
    "pool {size}": "풀링 {size}",
    ", stride {stride}": ", 보폭 {stride}",
    ", dilation {dilation}": ", 팽창 {dilation}",
    "The {size} image is resized to {wanted} (resize={resize}).":
        "{size} 이미지의 크기를 {wanted}에 맞춰 바꿉니다(resize={resize}).",
    "{model} needs images of at least {side}×{side} pixels: the {size} image is resized to {wanted}.":
        "{model}에는 최소 {side}×{side} 픽셀의 이미지가 필요합니다: {size} 이미지의 크기를 {wanted}에 맞춰 바꿉니다.",
    "{layer} has one row": "{layer}의 출력은 한 행입니다",
    "{layer} has one column": "{layer}의 출력은 한 열입니다",
    "field {size} is larger than the {image} image": "수용 영역 {size}: {image} 이미지보다 큽니다",
    "field {size}": "수용 영역 {size}",
    "resized from {size}": "{size}에서 크기를 바꿈",
    "image {rows}×{cols}": "이미지 {rows}×{cols}",
    "{layer}: output {rows}×{cols}": "{layer}: 출력 {rows}×{cols}",
    "layer {layer}: output {out}, receptive field {field}": "층 {layer}: 출력 {out}, 수용 영역 {field}",
    "<b>{layer}</b> in {network}: output {out} ({channels} channels); one step on this map moves {jump} input pixel.":
        "{network}의 <b>{layer}</b>: 출력 {out}(채널 {channels}개). 이 맵에서 한 칸 움직이면 입력에서 {jump}픽셀 "
        "움직입니다.",
    "<b>{layer}</b> in {network}: output {out} ({channels} channels); one step on this map moves {jump} input "
    "pixels.":
        "{network}의 <b>{layer}</b>: 출력 {out}(채널 {channels}개). 이 맵에서 한 칸 움직이면 입력에서 {jump}픽셀 "
        "움직입니다.",
    "lies wholly in the padding, outside the image": "이미지 바깥, 모두 패딩 안에 있습니다",
    "covers rows {rows}, columns {cols} of the image": "이미지의 {rows}행, {cols}열을 덮습니다",
    "Cell ({i}, {j}) has a <b>{size} receptive field</b>: it {seen}.":
        "셀 ({i}, {j})에는 <b>{size} 수용 영역</b>이 있습니다: {seen}.",
    "Cell ({i}, {j}) has a <b>{size} receptive field</b>: it {seen} (its full extent: {where}; "
    "the rest is padding beyond the image).":
        "셀 ({i}, {j})에는 <b>{size} 수용 영역</b>이 있습니다: {seen}(전체 범위: {where}. 나머지는 이미지 밖의 "
        "패딩입니다).",
    "The field is larger than the {image} image itself: the field of every cell of this layer reaches past the "
    "image, into the padding.":
        "수용 영역이 {image} 이미지 자체보다 큽니다: 이 층의 모든 셀의 수용 영역이 이미지를 넘어 패딩까지 뻗습니다.",
    "… and {count} more grid(s): run the notebook to see them": "… 격자 {count}개가 더 있습니다: 노트북을 실행하면 보입니다",
    # ---
    # the figures (course_utils.plotting, illustrations, diagrams)
    # course_utils.plotting
    "training loss": "훈련 손실",
    "validation accuracy": "검증 정확도",
    "ch {index}": "채널 {index}",
    "conv1 ch {index}": "conv1 채널 {index}",
    "predicted probabilities": "예측 확률",
    "scale γ (gamma)": "배율 γ (gamma)",
    "shift β (beta)": "이동 β (beta)",
    "initial value {start:g}": "초깃값 {start:g}",
    "channel": "채널",
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
