import subprocess
import sys

import natgrad


def test_every_public_name_is_importable():
    for name in natgrad.__all__:
        assert getattr(natgrad, name) is not None, name


def test_importing_natgrad_does_not_import_matplotlib():
    """The mathematics needs only numpy: plotting helpers load on first use."""
    code = "import sys, natgrad; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
