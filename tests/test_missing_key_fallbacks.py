"""`try: x = config["K"]` / `except KeyError: x = fallback`: the fallback is the value while
the key is missing (named in the condition), and only that exact shape is read so."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from corslint.extractors.python import PythonModule, PythonProject

HEAD = "import logging\nlog = logging.getLogger()\n\ndef build(config):\n"


def resolved_use(tmp_path: Path, body: str):  # type: ignore[no-untyped-def]
    text = HEAD + body + "    use(origin)\n"
    module = PythonModule(str(tmp_path / "m.py"), text, PythonProject())
    names = [n for n in ast.walk(module.tree) if isinstance(n, ast.Name) and n.id == "origin"]
    use = max(names, key=lambda n: n.lineno)
    return module.resolve(use)


def test_fallback_is_the_value_while_the_key_is_missing(tmp_path: Path) -> None:
    body = (
        "    try:\n"
        "        origin = config['ORIGIN']\n"
        "        log.info('origin %s', origin)\n"
        "    except KeyError:\n"
        "        origin = '*'\n"
        "        log.warning('no ORIGIN')\n"
    )
    value = resolved_use(tmp_path, body)
    assert value.known and value.raw == "*"
    assert value.env_vars == ("config['ORIGIN']",)


def test_environment_read_names_the_variable(tmp_path: Path) -> None:
    body = "    import os\n    try:\n        origin = os.environ['SITE']\n    except (KeyError,):\n        origin = '*'\n"
    value = resolved_use(tmp_path, body)
    assert value.known and value.raw == "*" and value.env_vars == ("SITE",)


@pytest.mark.parametrize(
    "body",
    [
        # a broad handler also catches a malformed config: not just "the key is missing"
        "    try:\n        origin = config['ORIGIN']\n    except Exception:\n        origin = '*'\n",
        # two handlers, two fallbacks
        "    try:\n        origin = config['ORIGIN']\n    except KeyError:\n        origin = '*'\n"
        "    except TypeError:\n        origin = 'https://a.example'\n",
        # the body rebinds it after the read
        "    try:\n        origin = config['ORIGIN']\n        origin = origin.strip()\n"
        "    except KeyError:\n        origin = '*'\n",
        # the read is not the body's first statement (something before it may raise KeyError)
        "    try:\n        config['x']\n        origin = config['ORIGIN']\n    except KeyError:\n        origin = '*'\n",
        # the handler does more than bind it
        "    try:\n        origin = config['ORIGIN']\n    except KeyError:\n        if config:\n"
        "            origin = '*'\n        origin = '*'\n",
        # a non-literal key
        "    try:\n        origin = config[name]\n    except KeyError:\n        origin = '*'\n",
    ],
)
def test_other_shapes_stay_unknown(tmp_path: Path, body: str) -> None:
    assert not resolved_use(tmp_path, body).known
