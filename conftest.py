"""Settings shared by every test, the notebooks included: offline, headless, fast size,
and Jupyter/IPython/matplotlib folders of their own (removed at the end)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Set before anything imports matplotlib, Jupyter or the course package, and before
# nbval starts a kernel: kernels inherit this environment.
_TMP = tempfile.mkdtemp(prefix="course-tests-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
for _name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
    os.environ[_name] = os.path.join(_TMP, _name.lower())
os.environ["MPLBACKEND"] = "Agg"
# The committed notebook outputs and the tests are made for the fast size (the shipped
# sample), whatever size this machine would choose for itself.
os.environ["COURSE_SIZE"] = "fast"
