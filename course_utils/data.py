"""Fashion-MNIST batches for the course (the book's ``d2l.FashionMNIST``, D2L 4.2), fast and offline.

The book reads each image as a PIL image, resizes it, turns it into a tensor and lets four
worker processes stack them into batches. Here each split is one ``uint8`` tensor
(60,000 x 28 x 28 = 47 MB for training); a batch is cut from it by indexing with a shuffled
order (a ``torch.Generator`` seeded per epoch), then converted to float and resized as a
whole, on the training device::

    X = images[batch_indices].float() / 255            # N x 28 x 28
    X = R_rows.T @ X @ R_cols                           # N x H x W  (bilinear resize)

``R_rows`` (28 x H) and ``R_cols`` (28 x W) are the matrices of
``F.interpolate(mode="bilinear", antialias=True)`` along one axis (made by resizing an
identity matrix), so the result equals ``F.interpolate``'s to float precision. On a CPU the
enlarging of rows is done by blending each output row from its two neighbours straight into
the output (``torch.lerp``), about 3x faster than ``F.interpolate``.

The book's ``transforms.Resize`` on a PIL image is bilinear too, antialiased when shrinking
(PIL's ``Image.resize``), but it rounds each resized image back to ``uint8`` before
``ToTensor`` divides by 255: the values here differ from the book's by at most 1/255.

Where the images come from (the search order, the checksums, the cache, the shipped
sample) is :mod:`course_utils.data_sources`' job: :class:`FashionMNIST` calls its
:func:`~course_utils.data_sources.load_fashion_mnist` or
:func:`~course_utils.data_sources.load_sample`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

import torch
import torch.nn.functional as F

from course_utils import validate
from course_utils.data_sources import load_fashion_mnist, load_sample
from course_utils.language import say
from course_utils.shapes import to_2tuple

if TYPE_CHECKING:  # matplotlib is imported only when a picture is drawn
    from matplotlib.figure import Figure

__all__ = [
    "TEXT_LABELS",
    "text_labels",
    "resize_images",
    "ImageSplit",
    "BatchLoader",
    "FashionMNIST",
]

TEXT_LABELS: tuple[str, ...] = (
    "t-shirt", "trouser", "pullover", "dress", "coat",
    "sandal", "shirt", "sneaker", "bag", "ankle boot",
)
SOURCES = ("full", "sample")
_MAX_SEED = 2**32  # seeds are below it (the generator's seed is seed * 1_000_003 + epoch, within 64 bits)


# ----------------------------------------------------------------------------- argument checks


def _size(value: Any, name: str, example: object) -> tuple[int, int]:
    """An int or a pair of ints, each >= 1, as ``(height, width)``."""
    pair = to_2tuple(value, name)
    if min(pair) < 1:
        raise ValueError(f"{name} must be positive, got {value!r}: write e.g. {name}={example!r}")
    return pair


def _seed(value: Any) -> int:
    seed = validate.nonnegative_int(value, "seed", example=0)
    if seed >= _MAX_SEED:
        raise ValueError(f"seed must be below 2**32, got {value!r}: write e.g. seed=0")
    return seed


def text_labels(labels: Iterable[Any] | torch.Tensor) -> list[str]:
    """Class names of label numbers (0-9): a list, a tensor or a NumPy array of ints.

    >>> text_labels([0, 9])
    ['t-shirt', 'ankle boot']
    >>> text_labels(torch.tensor([5, 1]))
    ['sandal', 'trouser']
    >>> text_labels([-1])
    Traceback (most recent call last):
    ...
    ValueError: label -1 (position 0) is not a Fashion-MNIST class: labels are whole numbers from 0 to 9
    """
    if isinstance(labels, (str, bytes)) or (isinstance(labels, torch.Tensor) and labels.dim() == 0) \
            or not isinstance(labels, Iterable):
        raise TypeError(f"labels must be a sequence of class numbers, got {labels!r} ({type(labels).__name__}): "
                        "write e.g. text_labels([0, 9]) or text_labels(y[:8])")
    names = []
    for position, label in enumerate(labels):
        if isinstance(label, torch.Tensor) and label.dim() == 0 and not label.dtype.is_floating_point \
                and not label.dtype.is_complex and label.dtype != torch.bool:
            number = int(label)
        elif validate.is_int(label):
            number = int(label)
        else:
            number = -1
        if not 0 <= number < len(TEXT_LABELS):
            raise ValueError(f"label {label!r} (position {position}) is not a Fashion-MNIST class: "
                             f"labels are whole numbers from 0 to {len(TEXT_LABELS) - 1}")
        names.append(TEXT_LABELS[number])
    return names


# ----------------------------------------------------------------------------- batches


@functools.lru_cache(maxsize=32)
def _resize_matrix(n_in: int, n_out: int, device: torch.device) -> torch.Tensor:
    """The n_in x n_out matrix of F.interpolate's bilinear (antialiased) resize along one axis."""
    # n_in images of 1 x n_in pixels, image k lit at pixel k (resized along the width: with
    # a width of 1, F.interpolate's antialiased path gives wrong values in torch 2.x).
    eye = torch.eye(n_in).view(n_in, 1, 1, n_in)
    rows = F.interpolate(eye, size=(1, n_out), mode="bilinear", antialias=True, align_corners=False)
    return rows.view(n_in, n_out).to(device)


@functools.lru_cache(maxsize=32)
def _row_blends(n_in: int, n_out: int) -> tuple[tuple[int, int, int, int, torch.Tensor], ...]:
    """Enlarging along one axis, output ``j`` is ``lerp(x[p], x[q], w_j)`` with ``q = p + 1``:
    runs ``(start, stop, p, q, w)`` of outputs sharing ``(p, q)``, read off ``_resize_matrix``."""
    matrix = _resize_matrix(n_in, n_out, torch.device("cpu"))
    runs: list[tuple[int, int, int, int, list[float]]] = []
    for j in range(n_out):
        taps = matrix[:, j].nonzero().flatten().tolist()
        assert len(taps) in (1, 2) and taps[-1] - taps[0] <= 1, "enlarging blends at most two neighbours"
        p, q = taps[0], taps[-1]
        weight = float(matrix[q, j]) if q != p else 0.0
        if runs and runs[-1][2:4] == (p, q):
            runs[-1][4].append(weight)
        else:
            runs.append((j, j, p, q, [weight]))
    return tuple((start, start + len(w), p, q, torch.tensor(w).view(-1, 1)) for start, _, p, q, w in runs)


def resize_images(images: torch.Tensor, size: int | tuple[int, int]) -> torch.Tensor:
    """``uint8`` images N x h x w -> ``float32`` N x 1 x H x W in [0, 1], resized bilinearly.

    Equal to ``F.interpolate(images[:, None].float() / 255, size, mode="bilinear",
    antialias=True)`` (antialiasing only matters when shrinking), computed separably:
    columns by a matrix product, rows by a matrix product (on a GPU, or when shrinking) or,
    when enlarging on a CPU, by blending each output row from its two neighbours, written
    once into the output (about 3x faster than ``F.interpolate`` on a 2-core CPU).

    >>> resize_images(torch.full((2, 28, 28), 255, dtype=torch.uint8), 96).shape
    torch.Size([2, 1, 96, 96])
    """
    if not isinstance(images, torch.Tensor) or images.dtype != torch.uint8:
        got = images.dtype if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"images must be a uint8 tensor (pixel values 0-255), got {got}")
    if images.dim() != 3:
        raise ValueError(f"images must be N x height x width, got shape {tuple(images.shape)}")
    height, width = _size(size, "size", 96)
    n, h, w = images.shape
    X = images.to(torch.float32)
    if w == width:
        X = X.div_(255)
    else:
        X = X @ (_resize_matrix(w, width, images.device) / 255)  # N x h x W, in [0, 1]
    if h == height:
        return X.unsqueeze(1)
    if height < h or images.device.type != "cpu":
        return (_resize_matrix(h, height, images.device).T @ X).unsqueeze(1)  # (H x h) @ (N x h x W)
    out = torch.empty(n, height, width)
    for start, stop, p, q, weights in _row_blends(h, height):
        torch.lerp(X[:, p : p + 1], X[:, q : q + 1], weights, out=out[:, start:stop])
    return out.unsqueeze(1)


class ImageSplit(torch.utils.data.Dataset):
    """One split held as tensors; ``split[i]`` is ``(X 1 x H x W float, label int)`` like the book's dataset.

    Args:
        images: ``uint8`` N x h x w.
        labels: integer class numbers, N.
        resize: ``(height, width)`` (or one int) of the images given out.
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, resize: int | tuple[int, int]) -> None:
        if not isinstance(images, torch.Tensor) or images.dtype != torch.uint8 or images.dim() != 3:
            got = f"{images.dtype} {tuple(images.shape)}" if isinstance(images, torch.Tensor) else type(images).__name__
            raise ValueError(f"images must be uint8 N x h x w, got {got}")
        if not isinstance(labels, torch.Tensor) or labels.dim() != 1 or labels.dtype.is_floating_point \
                or labels.dtype.is_complex or labels.dtype == torch.bool:
            got = f"{labels.dtype} {tuple(labels.shape)}" if isinstance(labels, torch.Tensor) else type(labels).__name__
            raise ValueError(f"labels must be a 1-D tensor of integer class numbers, got {got}")
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        self.images = images
        self.labels = labels.to(torch.int64)
        self.resize = _size(resize, "resize", (28, 28))

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return resize_images(self.images[index].unsqueeze(0), self.resize)[0], int(self.labels[index])


class BatchLoader:
    """Batches ``(X float32 N x 1 x H x W in [0, 1], y int64 N)`` cut from one split by indexing.

    Iterating gives one epoch: ``repeat`` passes over the split (1: each image once). With
    ``shuffle=True`` the order of epoch ``e`` comes from a
    ``torch.Generator`` seeded with ``(seed, e)``, so a run is repeatable and can be resumed:
    ``set_epoch(e)`` chooses the epoch of the next pass (each pass otherwise counts up by one).
    ``to(device)`` gives a loader that keeps the images on ``device`` and resizes there.
    """

    def __init__(
        self,
        split: ImageSplit,
        batch_size: int,
        *,
        shuffle: bool,
        seed: int = 0,
        drop_last: bool = False,
        repeat: int = 1,
        device: str | torch.device = "cpu",
    ) -> None:
        if not isinstance(split, ImageSplit):
            raise TypeError(f"split must be an ImageSplit, got {type(split).__name__}: "
                            "write e.g. BatchLoader(ImageSplit(images, labels, resize=28), batch_size=128, shuffle=True)")
        self.batch_size = validate.positive_int(batch_size, "batch_size", example=128)
        self.shuffle = validate.flag(shuffle, "shuffle")
        self.seed = _seed(seed)
        self.drop_last = validate.flag(drop_last, "drop_last")
        self.repeat = validate.positive_int(repeat, "repeat", example=1)
        self.device = torch.device(device)
        self.split = split
        self._images = split.images.to(self.device)
        self._labels = split.labels.to(self.device)
        self.epoch = 0

    def __len__(self) -> int:
        n = len(self._labels) * self.repeat
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def set_epoch(self, epoch: int) -> None:
        """The next pass gives the batches of ``epoch`` (their order depends only on seed and epoch)."""
        self.epoch = validate.nonnegative_int(epoch, "epoch")

    def to(self, device: str | torch.device) -> BatchLoader:
        """The same loader with its data on ``device`` (itself if already there)."""
        if torch.device(device) == self.device:
            return self
        moved = BatchLoader(self.split, self.batch_size, shuffle=self.shuffle, seed=self.seed,
                            drop_last=self.drop_last, repeat=self.repeat, device=device)
        moved.epoch = self.epoch
        return moved

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self._labels)
        if self.shuffle:
            generator = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
            order = torch.cat([torch.randperm(n, generator=generator) for _ in range(self.repeat)])
        else:
            order = torch.arange(n).repeat(self.repeat)
        order = order.to(self.device)
        self.epoch += 1
        for batch in range(len(self)):
            index = order[batch * self.batch_size : (batch + 1) * self.batch_size]
            yield resize_images(self._images[index], self.split.resize), self._labels[index]


# ----------------------------------------------------------------------------- the data module


class FashionMNIST:
    """The Fashion-MNIST data module of the book (``d2l.FashionMNIST``), same methods.

    Args:
        batch_size: images per batch.
        resize: size of the images the model sees (int or (height, width)); 28 = unchanged.
        root: folder with the IDX files; default ``$FASHION_MNIST_ROOT``, then the cache,
            the Debian package, a download (see :func:`~course_utils.data_sources.load_fashion_mnist`).
            Only with ``source="full"``.
        source: ``"full"`` (60,000 + 10,000 images) or ``"sample"`` (the 2,000 + 500 shipped
            with the course, :func:`~course_utils.data_sources.load_sample`; no files or network needed).
        num_train: use only the first ``num_train`` training images (None: all).
        repeat: passes over the training images per epoch (the course's ``fast`` size uses
            several passes over the small sample; 1 in the book).
        seed: seed of the shuffling (epoch ``e`` of seed ``s`` is always the same order).
        download: whether a download may be tried when no copy is found.

    Every argument is checked before any data is read.

    >>> data = FashionMNIST(batch_size=4, source="sample")
    >>> X, y = next(iter(data.val_dataloader()))
    >>> X.shape, X.dtype, y.tolist(), data.text_labels(y[:2])
    (torch.Size([4, 1, 28, 28]), torch.float32, [9, 2, 1, 1], ['ankle boot', 'pullover'])
    """

    def __init__(
        self,
        batch_size: int = 64,
        resize: int | tuple[int, int] = (28, 28),
        *,
        root: str | os.PathLike[str] | None = None,
        source: Literal["full", "sample"] = "full",
        num_train: int | None = None,
        repeat: int = 1,
        seed: int = 0,
        download: bool = True,
    ) -> None:
        self.batch_size = validate.positive_int(batch_size, "batch_size", example=128)
        self.resize = _size(resize, "resize", (28, 28))
        self.source = validate.choice(source, "source", SOURCES)
        if num_train is not None:
            num_train = validate.integer(num_train, "num_train", example=1000)
        self.repeat = validate.positive_int(repeat, "repeat", example=1)
        self.seed = _seed(seed)
        download = validate.flag(download, "download")
        if source == "full":
            train, val = (load_fashion_mnist(split, root, download=download) for split in (True, False))
        else:
            if root is not None:
                raise ValueError(f"root is read only with source='full', got root={root!r} with source='sample': "
                                 "leave root out, or write source='full'")
            train, val = load_sample(True), load_sample(False)
        if num_train is not None:
            if not 1 <= num_train <= len(train[1]):
                raise ValueError(f"num_train must be between 1 and {len(train[1]):,}, got {num_train!r}: "
                                 f"write e.g. num_train={min(1000, len(train[1]))} (None: all)")
            train = (train[0][:num_train], train[1][:num_train])
        self.train = ImageSplit(*train, resize=self.resize)
        self.val = ImageSplit(*val, resize=self.resize)
        self.num_train, self.num_val = len(self.train), len(self.val)

    def get_dataloader(self, train: bool) -> BatchLoader:
        """Shuffled training batches (``train=True``) or validation batches in order."""
        train = validate.flag(train, "train")
        split = self.train if train else self.val
        return BatchLoader(split, self.batch_size, shuffle=train, seed=self.seed, repeat=self.repeat if train else 1)

    def train_dataloader(self) -> BatchLoader:
        return self.get_dataloader(train=True)

    def val_dataloader(self) -> BatchLoader:
        return self.get_dataloader(train=False)

    def text_labels(self, indices: Iterable[Any] | torch.Tensor) -> list[str]:
        """Class names of label numbers: ``[0, 9] -> ['t-shirt', 'ankle boot']`` (see :func:`text_labels`)."""
        return text_labels(indices)

    def visualize(
        self,
        batch: tuple[torch.Tensor, torch.Tensor],
        nrows: int = 1,
        ncols: int = 8,
        labels: Sequence[str] | None = None,
    ) -> Figure:
        """A grid of the first ``nrows * ncols`` images of ``batch`` with their class names."""
        from course_utils.plotting import plot_images

        nrows = validate.positive_int(nrows, "nrows", example=1)
        ncols = validate.positive_int(ncols, "ncols", example=8)
        X, y = batch
        count = min(nrows * ncols, len(X))
        if labels and len(labels) < count:
            raise ValueError(f"labels has {len(labels)} names for {count} images: give one per image, "
                             "or leave labels out to show the class names")
        titles = list(labels) if labels else self.text_labels(y[:count])
        images = [image.squeeze(0) for image in X[:count]]
        return plot_images(images, titles=titles[:count], ncols=ncols, cmap="gray", scale=1.5)

    def describe(self) -> str:
        """One line: which data, how many images, what size, what batch."""
        what = say("Fashion-MNIST sample") if self.source == "sample" else "Fashion-MNIST"
        passes = say(" x {repeat} passes", repeat=self.repeat) if self.repeat > 1 else ""
        return say("{what}: {train:,} train{passes} / {val:,} val images, {height}x{width}, batch {batch}",
                   what=what, train=self.num_train, passes=passes, val=self.num_val, height=self.resize[0],
                   width=self.resize[1], batch=self.batch_size)

    def __repr__(self) -> str:
        return (f"FashionMNIST(batch_size={self.batch_size}, resize={self.resize}, source={self.source!r}, "
                f"num_train={self.num_train}, num_val={self.num_val}, repeat={self.repeat})")
