"""Make the Fashion-MNIST sample shipped in course_utils/sample/ from the full, genuine files.

The sample is class-balanced and keeps the original order: the first 200 training images
of each class (2,000) and the first 50 test images of each class (500), as IDX ``.gz`` files
(so the course's loader reads them like the full data), with Zalando SE's MIT licence and a
manifest (sha256 of each decompressed file, and the index of every image in the original).

    python scripts/make_sample.py --source /path/to/FashionMNIST/raw

``--source`` defaults to ``$FASHION_MNIST_ROOT``. The full files are checked against their
published sha256 first; the output is byte-for-byte reproducible (gzip without time stamp).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import struct
import sys
from pathlib import Path

import torch

from course_utils.data_sources import SPLIT_FILES, load_fashion_mnist

REPO = Path(__file__).resolve().parents[1]
PER_CLASS = {True: 200, False: 50}  # training / test images kept per class

LICENSE_TEXT = """\
The MIT License (MIT) Copyright © 2017 Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the “Software”), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED “AS IS”, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""

README_TEXT = """\
# Fashion-MNIST sample

A small, genuine part of Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017,
https://github.com/zalandoresearch/fashion-mnist) for tests, CI and the `fast` size of the course:

- `train-*.gz`: the first 200 training images of each class (2,000), in their original order;
- `t10k-*.gz`: the first 50 test images of each class (500), in their original order
  (so image 0 is test image 0 of the full set, an ankle boot, label 9).

The files are in the original IDX format, gzip-compressed. `manifest.json` gives the sha256
of each decompressed file (the loader checks it), the sha256 of each `.gz`, and for every
image its index in the full file. Made by `scripts/make_sample.py` from the full files
(sha256 of those in `manifest.json` too).

Licence: the MIT License, Copyright © 2017 Zalando SE; see `LICENSE` beside this file.
Keep the licence with any copy of these files.
"""


def first_per_class(labels: torch.Tensor, per_class: int) -> torch.Tensor:
    """Indices of the first ``per_class`` examples of each class, in their original order."""
    kept: list[int] = []
    counts = [0] * (int(labels.max()) + 1)
    for index, label in enumerate(labels.tolist()):
        if counts[label] < per_class:
            counts[label] += 1
            kept.append(index)
    if min(counts) < per_class:
        raise ValueError(f"a class has fewer than {per_class} examples: counts {counts}")
    return torch.tensor(kept)


def idx_bytes(tensor: torch.Tensor) -> bytes:
    """IDX encoding of uint8 images (N x rows x cols) or labels (N)."""
    if tensor.dim() == 3:
        header = struct.pack(">IIII", 2051, *tensor.shape)
    else:
        header = struct.pack(">II", 2049, len(tensor))
    return header + tensor.to(torch.uint8).contiguous().numpy().tobytes()


def gzip_bytes(content: bytes) -> bytes:
    """gzip without file name or time stamp, so the same content gives the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as file:
        file.write(content)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default=os.environ.get("FASHION_MNIST_ROOT"),
                        help="folder with the full IDX files (default: $FASHION_MNIST_ROOT)")
    parser.add_argument("--out", default=str(REPO / "course_utils" / "sample"), help="output folder")
    args = parser.parse_args(argv)
    if not args.source:
        parser.error("give --source FOLDER (or set FASHION_MNIST_ROOT)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    manifest: dict = {
        "description": "First 200 training and first 50 test images of each Fashion-MNIST class, original order.",
        "made_by": "scripts/make_sample.py",
        "files": {},
        "gz_sha256": {},
        "original_index": {},
    }
    total = 0
    for train in (True, False):
        images, labels = load_fashion_mnist(train, args.source, download=False)  # checked against SOURCE.md
        keep = first_per_class(labels, PER_CLASS[train])
        image_name, label_name = SPLIT_FILES[train]
        for name, tensor in ((image_name, images[keep]), (label_name, labels[keep])):
            content = idx_bytes(tensor)
            packed = gzip_bytes(content)
            (out / f"{name}.gz").write_bytes(packed)
            total += len(packed)
            manifest["files"][name] = {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
            manifest["gz_sha256"][f"{name}.gz"] = hashlib.sha256(packed).hexdigest()
        manifest["original_index"]["train" if train else "test"] = keep.tolist()
        print(f"{'train' if train else 'test'}: {len(keep)} images, labels of the first ten {labels[keep][:10].tolist()}")

    (out / "LICENSE").write_text(LICENSE_TEXT, encoding="utf-8")
    (out / "README.md").write_text(README_TEXT, encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}: {total / 1e6:.2f} MB of .gz files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
