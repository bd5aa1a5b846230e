"""The course's explorers: each computes a scene in Python and the browser draws it (``_widget``, ``scene``).

One module per book section it serves::

    parameters   ParameterCalculator      7.1  fully connected layer against convolution
    kernels      KernelEditor             7.2  a kernel of your own on a real image
                 FeatureMapExplorer       7.6  a trained model's feature maps, for a test image or a drawing
    receptive    ReceptiveFieldExplorer   7.2  the field of a stack of two convolutions
                 LayerFieldExplorer       7.6, 8.x  the field of every layer of any model, on an image
    convolution  ConvolutionExplorer      7.3, 7.4  padding, stride, dilation, channels, groups, transposed
    pooling      PoolingExplorer          7.5  max and average pooling, ceil_mode, count_include_pad

Every explorer is driven and tested from Python: ``explorer.set(stride_h=1)``,
``explorer.values``, ``explorer.state`` (the scene: grids, links, text).
"""

from course_utils.explorers.convolution import ConvolutionExplorer
from course_utils.explorers.kernels import FeatureMapExplorer, KernelEditor
from course_utils.explorers.parameters import ParameterCalculator
from course_utils.explorers.pooling import PoolingExplorer
from course_utils.explorers.receptive import LayerFieldExplorer, ReceptiveFieldExplorer

__all__ = [
    "ParameterCalculator",
    "KernelEditor",
    "ReceptiveFieldExplorer",
    "ConvolutionExplorer",
    "PoolingExplorer",
    "FeatureMapExplorer",
    "LayerFieldExplorer",
]
