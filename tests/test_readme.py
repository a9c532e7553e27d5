"""The README's Python examples run as written, from the repository root (they are what a new
user tries first), and every module of the three packages is named in its Layout section."""
from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_python_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert len(blocks) >= 5
    namespace: dict = {}
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        for block in blocks:  # one namespace: later examples may use earlier names (e.g. A)
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(block, "README.md", "exec"), namespace)
    finally:
        os.chdir(here)


def test_the_layout_names_every_module():
    layout = README[README.index("## Layout"):README.index("## Spec formats")]
    modules = [p for package in ("algebra", "graphs", "certificates") for p in (ROOT / package).rglob("*.py")
               if p.name != "__init__.py" and p.name != "__main__.py" and p.parent.name != "commands"]
    missing = [str(p.relative_to(ROOT)) for p in modules if f"`{p.relative_to(ROOT)}`" not in layout]
    assert not missing, f"the README's Layout section does not name {missing}"
