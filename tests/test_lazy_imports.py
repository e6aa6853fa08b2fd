"""A build with nothing to render, and `check`, never import the renderer (WeasyPrint, pypdf) nor dask."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import BRANDED, ROOT

HEAVY = ("weasyprint", "pypdf", "dask", "distributed", "rich")
PROBE = """
import json, sys
from brochures.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "imported": sorted({m.split(".")[0] for m in sys.modules} & set(%r))}))
""" % (HEAVY,)


def probe(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_no_op_rebuild_imports_no_renderer(branded):
    found = probe("--content", str(BRANDED), "--out", str(branded), "--html")
    assert found == {"code": 0, "imported": []}


def test_check_imports_no_renderer():
    found = probe("check", "--content", str(BRANDED))
    assert found == {"code": 0, "imported": []}
