"""What a model does to an image, layer by layer: the book's ``layer_summary`` and a table.

``layer_summary(model, X_shape)`` prints the output shape of each layer of ``model.net``,
exactly as the book's ``d2l.Classifier.layer_summary`` (D2L 7.6)::

    Conv2d output shape:	 torch.Size([1, 6, 28, 28])

``model_summary(model, X_shape)`` returns a :class:`ModelSummary`: one row per layer with its
output shape, parameters, multiply-accumulates (MACs) and, for convolution and pooling
layers, the receptive field (from ``course_utils.shapes.receptive_fields``), plus totals.
It prints as a text table, shows as Markdown in Jupyter, and ``to_dicts()`` gives rows for
``pandas.DataFrame`` or a plot.

How MACs are counted (for the whole batch of ``X_shape``; use N = 1 for "per image"):

* convolution: ``output elements * (in_channels / groups) * kernel height * kernel width``;
* linear: ``output elements * in_features``;
* every other layer (batch norm, pooling, activations, dropout): 0.

Biases are additions, not multiply-accumulates, so they are not counted. ``torchinfo``
counts them, and the affine part of batch norm, as MACs, so its totals are slightly larger;
the tests check that the two agree once these terms are added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import torch
from torch import nn

from course_utils import validate
from course_utils.formatting import human_count, markdown_table, text_table
from course_utils.fields import overall_receptive_field, receptive_fields

__all__ = ["layer_summary", "LayerRow", "ModelSummary", "model_summary"]


def layer_summary(model: nn.Module, X_shape: Sequence[int]) -> None:
    """Print the class name and output shape of every layer of ``model.net`` (D2L 7.6).

    The printed lines are those of the book. Unlike the book, the random input goes through
    in evaluation mode under ``torch.no_grad()`` (the model's mode is restored): shapes are the
    same, but no batch-norm statistics change, and a batch of one passes batch norm.
    Lazy layers get their parameters, as in the book.
    """
    shape = validate.shape(X_shape, "X_shape")
    net = getattr(model, "net", None)
    if not isinstance(net, nn.Sequential):
        raise TypeError(
            f"layer_summary needs a model whose .net is an nn.Sequential, got "
            f"{type(model).__name__} with net={type(net).__name__}: use model_summary(model, X_shape) instead"
        )
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            X = torch.randn(*shape)
            for layer in net:
                X = layer(X)
                print(layer.__class__.__name__, "output shape:\t", X.shape)
    finally:
        model.train(was_training)


@dataclass(frozen=True)
class LayerRow:
    """One row of a :class:`ModelSummary`."""

    name: str  # qualified module name, e.g. "net.b2.0.conv1"
    layer_type: str  # class name, e.g. "Conv2d"
    output_shape: tuple[int, ...]  # for the summary's input, batch included
    num_params: int  # parameters of the layer (of the whole block for a grouped row)
    macs: int  # multiply-accumulates for the summary's input batch
    receptive_field: tuple[int, int] | None  # (h, w) input pixels seen by one output pixel; conv/pool only


_NUMBER_COLUMNS = {3, 4}  # Params and MACs align right


@dataclass(frozen=True)
class ModelSummary:
    """Per-layer table and totals of a model for one input shape (see :func:`model_summary`)."""

    model_name: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    rows: tuple[LayerRow, ...]
    total_params: int
    trainable_params: int
    total_macs: int  # for the whole input batch
    receptive_field: tuple[int, int]  # of the model's last spatial layer (largest over paths)

    def to_dicts(self) -> list[dict[str, object]]:
        """The rows as dictionaries, e.g. for ``pandas.DataFrame(summary.to_dicts())``."""
        return [asdict(row) for row in self.rows]

    def _table(self) -> tuple[list[str], list[list[str]]]:
        header = ["Layer", "Type", "Output shape", "Params", "MACs", "Receptive field"]
        body = [
            [
                row.name,
                row.layer_type,
                " x ".join(map(str, row.output_shape)),
                f"{row.num_params:,}",
                f"{row.macs:,}",
                "" if row.receptive_field is None else "x".join(map(str, row.receptive_field)),
            ]
            for row in self.rows
        ]
        return header, body

    def _totals(self) -> str:
        shape_in = " x ".join(map(str, self.input_shape))
        shape_out = " x ".join(map(str, self.output_shape))
        rf = "x".join(map(str, self.receptive_field))
        return (
            f"{self.model_name}, input {shape_in} -> output {shape_out}: "
            f"{self.total_params:,} parameters ({self.trainable_params:,} trainable), "
            f"{self.total_macs:,} MACs ({human_count(self.total_macs)}), receptive field {rf}"
        )

    def to_markdown(self) -> str:
        """A Markdown table followed by a line of totals."""
        header, body = self._table()
        return markdown_table(header, body, right=_NUMBER_COLUMNS) + "\n\n" + self._totals() + "\n"

    def __str__(self) -> str:
        header, body = self._table()
        header_line, _, *rows = text_table(header, body, right=_NUMBER_COLUMNS).splitlines()
        # Every line padded to the table's full width, the rule as wide: as the summary has
        # always printed (the notebooks' outputs keep it).
        width = max(len(line) for line in [header_line, *rows])
        rule = "-" * width
        return "\n".join([header_line.ljust(width), rule, *(row.ljust(width) for row in rows), rule, self._totals()])

    def _repr_markdown_(self) -> str:  # Jupyter shows the summary as a table
        return self.to_markdown()


def _macs(module: nn.Module, output: torch.Tensor) -> int:
    """Multiply-accumulates of one call of a leaf ``module`` that produced ``output``."""
    if isinstance(module, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
        # every output element is a dot product over (in_channels / groups) x kernel taps
        return output.numel() * module.weight[0].numel()
    if isinstance(module, nn.Linear):
        return output.numel() * module.in_features
    return 0


def model_summary(model: nn.Module, X_shape: Sequence[int], *, depth: int | None = None) -> ModelSummary:
    """Run a zero batch of ``X_shape`` through ``model`` and summarise every layer.

    The forward pass runs in evaluation mode under ``torch.no_grad()`` (the model's mode is
    restored); lazy layers get their parameters, as with ``layer_summary``.

    Args:
        model: any ``nn.Module`` taking one image batch (every model of ``course_utils.models``).
        X_shape: input shape N x C x H x W, e.g. ``(1, 1, 96, 96)``; MACs are for the batch.
        depth: ``None`` gives one row per layer (module without submodules). An integer
            groups the rows into the modules ``depth`` levels down the qualified names:
            ``depth=2`` gives ``net.b1``, ``net.b2``, ... for ResNet (one row per stage), with
            the stage's parameters, MACs and largest receptive field.

    >>> from course_utils.models import LeNet
    >>> s = model_summary(LeNet(), (1, 1, 28, 28))
    >>> s.total_params, s.total_macs, s.receptive_field
    (61706, 416520, (16, 16))
    >>> s.rows[0]
    LayerRow(name='net.0', layer_type='Conv2d', output_shape=(1, 6, 28, 28), num_params=156, macs=117600, receptive_field=(5, 5))
    """
    shape = validate.shape(X_shape, "X_shape")
    if depth is not None:  # None: every layer
        depth = validate.positive_int(depth, "depth", example=2)
    modules = {name: m for name, m in model.named_modules() if name}  # "" is the model itself
    order: dict[str, None] = {}  # modules in the order they were first called (a dict keeps order)
    outputs: dict[str, tuple[int, ...]] = {}
    macs: dict[str, int] = {}

    def pre_hook(name: str):  # noqa: ANN202 - hook factories
        def hook(module: nn.Module, args: object) -> None:
            order.setdefault(name)

        return hook

    def post_hook(name: str):  # noqa: ANN202
        def hook(module: nn.Module, args: object, output: object) -> None:
            if isinstance(output, torch.Tensor):
                outputs.setdefault(name, tuple(output.shape))
                if not any(module.children()):
                    macs[name] = macs.get(name, 0) + _macs(module, output)

        return hook

    first = next(model.parameters(), None)
    device = first.device if first is not None else torch.device("cpu")
    handles = []
    was_training = model.training
    try:
        for name, module in modules.items():
            handles.append(module.register_forward_pre_hook(pre_hook(name)))
            handles.append(module.register_forward_hook(post_hook(name)))
        model.eval()
        with torch.no_grad():
            output = model(torch.zeros(shape, device=device))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)

    fields = {rf.name: rf.size for rf in receptive_fields(model)}

    def level(name: str) -> int:
        return name.count(".") + 1

    def is_leaf(name: str) -> bool:
        return not any(modules[name].children())

    if depth is None:
        shown = [name for name in order if is_leaf(name)]
    else:
        shown = [name for name in order if level(name) == depth or (level(name) < depth and is_leaf(name))]

    rows = []
    for name in shown:
        inside = [n for n in order if n == name or n.startswith(name + ".")]
        inside_fields = [fields[n] for n in inside if n in fields]
        rows.append(
            LayerRow(
                name=name,
                layer_type=type(modules[name]).__name__,
                output_shape=outputs.get(name, ()),
                num_params=sum(p.numel() for p in modules[name].parameters()),
                macs=sum(macs.get(n, 0) for n in inside),
                receptive_field=max(inside_fields, key=lambda s: s[0] * s[1]) if inside_fields else None,
            )
        )
    return ModelSummary(
        model_name=type(model).__name__,
        input_shape=shape,
        output_shape=tuple(output.shape) if isinstance(output, torch.Tensor) else (),
        rows=tuple(rows),
        total_params=sum(p.numel() for p in model.parameters()),
        trainable_params=sum(p.numel() for p in model.parameters() if p.requires_grad),
        total_macs=sum(macs.values()),
        receptive_field=overall_receptive_field(model).size,
    )
