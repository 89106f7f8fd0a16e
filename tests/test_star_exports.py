"""Names received through `from pkg import *` of the project's own modules, checked
against what CPython's import system really binds for the same package."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from corslint.extractors.python import PythonProject
from corslint.extractors.python.star_exports import star_imported_names

_PACKAGE = {
    "shop/__init__.py": "",
    "shop/base.py": (
        "from json import dumps\n"
        "from os.path import join as _join\n"
        "from collections import OrderedDict\n"
        "from textwrap import dedent\n"
        "def dedent(text):\n"  # its own binding shadows the import
        "    return text\n"
    ),
    "shop/limited.py": "from json import loads, JSONDecoder\n__all__ = ['loads']\n",
    "shop/chain.py": "from shop.base import *\nfrom string import Template\n",
    "shop/consumer.py": "from shop.chain import *\nfrom shop.limited import *\nfrom shop.later import *\n",
    # a later star import rebinds a name an earlier one gave
    "shop/later.py": "from pickle import dumps\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _real_bindings(root: Path, module: str) -> dict[str, str]:
    """name -> "module.qualname" for what `module` really binds from outside the package."""
    script = (
        "import importlib, json, sys\n"
        f"m = importlib.import_module({module!r})\n"
        "out = {}\n"
        "for name, value in vars(m).items():\n"
        "    origin = getattr(value, '__module__', None)\n"
        "    if name.startswith('__') or origin is None or origin.startswith('shop'):\n"
        "        continue\n"
        "    out[name] = origin + '.' + value.__qualname__\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    found: dict[str, str] = json.loads(done.stdout)
    return found


def _static_bindings(root: Path, module: str) -> dict[str, str]:
    project = PythonProject()
    path = root / (module.replace(".", "/") + ".py")
    parsed = project.parse(str(path), path.read_text())
    return star_imported_names(parsed)


def _object_name(root: Path, qualified: str) -> str:
    script = (
        "import importlib, sys\n"
        f"module, _, name = {qualified!r}.rpartition('.')\n"
        "value = getattr(importlib.import_module(module), name)\n"
        "print(value.__module__ + '.' + value.__qualname__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_star_imports_bind_what_cpython_binds(tmp_path: Path) -> None:
    _write(tmp_path, _PACKAGE)
    real = _real_bindings(tmp_path, "shop.consumer")
    static = _static_bindings(tmp_path, "shop.consumer")
    assert set(static) == set(real)
    for name, qualified in static.items():
        assert _object_name(tmp_path, qualified) == real[name], name


def test_import_cycles_end_and_relative_targets_are_left_out(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "api/__init__.py": "from flask_cors import cross_origin\nfrom .helpers import page\nfrom api.common import *\n",
            "api/common.py": "from api import *\nfrom json import dumps\n",
            "api/views.py": "from api import *\n",
        },
    )
    static = _static_bindings(tmp_path, "api.views")
    assert static == {"cross_origin": "flask_cors.cross_origin", "dumps": "json.dumps"}
