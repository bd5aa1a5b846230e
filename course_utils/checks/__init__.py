"""Self-checks for the exercises: call one with your answer and read ✅ or ❌.

Each check computes the expected value itself (from the shape arithmetic in
``course_utils.shapes``, from PyTorch, or by running the model), so a notebook never prints
a solution before the student has tried. An answer left as ``...`` gets a reminder; a first
wrong answer gets a hint; a second wrong answer, or :func:`show_solution`, gets the expected
value and the worked reason (``_verdict``).

One module per kind of answer: ``shapes`` (sizes, counts, costs, receptive fields),
``tensors`` (a computed tensor), ``models`` (whole chapter-8 models and blocks), ``networks``
(memory and work per kind of layer, LeNet's variants, feature maps, LeNet's input).
"""

from course_utils.checks._verdict import reset_attempts, show_solution
from course_utils.checks.models import (
    check_min_input_size,
    check_model_macs,
    check_model_param_count,
    check_module_output_shape,
)
from course_utils.checks.shapes import (
    check_conv_cost,
    check_conv_param_count,
    check_fc_param_count,
    check_output_shape,
    check_param_count,
    check_pool_output_shape,
    check_receptive_field,
)
from course_utils.checks.tensors import check_close, check_corr2d, check_pool2d

# networks: memory and work per kind of layer, LeNet's variants, feature maps, LeNet's input (7.6, 8.1)
from course_utils.checks.networks import (
    check_feature_maps,
    check_lenet_input,
    check_lenet_variant,
    check_macs_by_layer_type,
    check_output_memory,
    check_weight_memory,
)

__all__ = [
    "show_solution",
    "reset_attempts",
    "check_output_shape",
    "check_pool_output_shape",
    "check_param_count",
    "check_conv_param_count",
    "check_fc_param_count",
    "check_conv_cost",
    "check_receptive_field",
    "check_corr2d",
    "check_pool2d",
    "check_close",
    "check_module_output_shape",
    "check_model_param_count",
    "check_model_macs",
    "check_min_input_size",
    # networks
    "check_weight_memory",
    "check_macs_by_layer_type",
    "check_output_memory",
    "check_lenet_variant",
    "check_feature_maps",
    "check_lenet_input",
]
