"""Self-checks for the exercises: call one with your answer and read ✅ or ❌.

Each check computes the expected value itself (from the shape arithmetic in
``course_utils.shapes``, from PyTorch, or by running the model), so a notebook never prints
a solution before the student has tried. An answer left as ``...`` gets a reminder; a first
wrong answer gets a hint; a second wrong answer, or :func:`show_solution`, gets the expected
value and the worked reason (``_verdict``).

One module per kind of answer or group of sections:

* ``shapes``: sizes, counts, costs and receptive fields;
* ``tensors``: a computed tensor;
* ``models``: whole chapter-8 models and blocks;
* ``correlation``: 7.1–7.2: functions and kernels written by hand;
* ``layers``: 7.3–7.5: single layers' costs and memory, functions written in place of a layer;
* ``networks``: 7.6–8.1: LeNet and AlexNet;
* ``blocks``: 8.2–8.4: VGG, NiN and GoogLeNet blocks;
* ``normalization``: 8.5–8.6: batch normalization and residual networks.
"""

from course_utils.checks._verdict import reset_attempts, show_solution
from course_utils.checks.shapes import (
    check_conv_cost,
    check_conv_param_count,
    check_fc_param_count,
    check_output_shape,
    check_param_count,
    check_pool_output_shape,
    check_receptive_field,
)
from course_utils.checks.tensors import (
    check_close,
    check_corr2d,
    check_pool2d,
)
from course_utils.checks.models import (
    check_min_input_size,
    check_model_macs,
    check_model_param_count,
    check_module_output_shape,
)
from course_utils.checks.correlation import (
    check_audio_layer,
    check_blur_kernel,
    check_convolution_value,
    check_corr2d_matmul,
    check_derivative_kernel_size,
    check_directional_kernel,
    check_pixelwise_mlp,
    check_second_difference,
    check_window_count,
)
from course_utils.checks.layers import (
    check_block_diagonal_speedup,
    check_conv_as_matmul,
    check_conv_cost_ratio,
    check_conv_memory,
    check_max_from_relu,
    check_min_pool,
    check_mirror_pad,
    check_pool_cost,
    check_stride_saving,
)
from course_utils.checks.networks import (
    check_feature_maps,
    check_lenet_input,
    check_lenet_variant,
    check_macs_by_layer_type,
    check_output_memory,
    check_weight_memory,
)
from course_utils.checks.blocks import (
    check_bottleneck_saving,
    check_branch_share,
    check_layer_count,
    check_max_blocks,
    check_nin_block_params,
    check_stack_saving,
)
from course_utils.checks.normalization import (
    check_batch_norm,
    check_norm_statistics,
    check_normalizer,
    check_preact_block,
    check_redundant_bias,
    check_residual_zero_branch,
    check_running_mean,
)

__all__ = [
    "show_solution",
    "reset_attempts",
    # shapes
    "check_output_shape",
    "check_pool_output_shape",
    "check_param_count",
    "check_conv_param_count",
    "check_fc_param_count",
    "check_conv_cost",
    "check_receptive_field",
    # tensors
    "check_corr2d",
    "check_pool2d",
    "check_close",
    # models
    "check_module_output_shape",
    "check_model_param_count",
    "check_model_macs",
    "check_min_input_size",
    # correlation
    "check_pixelwise_mlp",
    "check_audio_layer",
    "check_convolution_value",
    "check_window_count",
    "check_directional_kernel",
    "check_second_difference",
    "check_derivative_kernel_size",
    "check_blur_kernel",
    "check_corr2d_matmul",
    # layers
    "check_mirror_pad",
    "check_stride_saving",
    "check_conv_memory",
    "check_conv_cost_ratio",
    "check_conv_as_matmul",
    "check_block_diagonal_speedup",
    "check_pool_cost",
    "check_max_from_relu",
    "check_min_pool",
    # networks
    "check_weight_memory",
    "check_macs_by_layer_type",
    "check_output_memory",
    "check_lenet_variant",
    "check_feature_maps",
    "check_lenet_input",
    # blocks
    "check_max_blocks",
    "check_layer_count",
    "check_stack_saving",
    "check_nin_block_params",
    "check_branch_share",
    "check_bottleneck_saving",
    # normalization
    "check_batch_norm",
    "check_running_mean",
    "check_norm_statistics",
    "check_redundant_bias",
    "check_normalizer",
    "check_residual_zero_branch",
    "check_preact_block",
]
