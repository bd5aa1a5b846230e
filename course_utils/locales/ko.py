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
}
