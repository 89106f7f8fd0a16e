"""Property-based tests: generated CORS configurations in each framework's syntax.

The extractors never raise anything but `SourceError` (which the engine reports as
CORS001), and a configuration written with literal values comes back as exactly the
values written. The suite keeps example counts modest; the long mode runs thousands:

    CORSLINT_HYPOTHESIS_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_properties.py
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corslint.extractors import EXTRACTORS, ProjectContext
from corslint.model import Extraction, Regex, SourceError

EXAMPLES = int(os.environ.get("CORSLINT_HYPOTHESIS_EXAMPLES", "40"))
PROFILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

labels = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10).filter(
    lambda s: not s.startswith(("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))
)
hosts = st.builds(lambda parts: ".".join([*parts, "example"]), st.lists(labels, min_size=1, max_size=3))
ports = st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}"))
origins = st.builds(
    lambda scheme, host, port: f"{scheme}://{host}{port}", st.sampled_from(["https", "http"]), hosts, ports
)
origin_lists = st.lists(
    st.one_of(origins, st.sampled_from(["*", "null", "http://localhost:3000"])), max_size=5
)
methods = st.lists(
    st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "*"]),
    max_size=5,
    unique=True,
)
header_names = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12).map(lambda h: "X-" + h)
headers = st.lists(
    st.one_of(header_names, st.sampled_from(["Content-Type", "Authorization", "*"])), max_size=4, unique=True
)
regexes = st.builds(lambda host: rf"https://.*\.{host}", hosts)


def extractor(name: str) -> Callable[[str, str, ProjectContext], Extraction]:
    return next(e for e in EXTRACTORS if e.name == name).load()


def plain(value: Any) -> Any:
    if isinstance(value, Regex):
        return value.pattern
    return value


def round_trip(framework: str, path: Path, source: str, expected: dict[str, Any]) -> None:
    path.write_text(source)
    extraction = extractor(framework)(path.as_posix(), source, ProjectContext())
    policies = [p for p in extraction.policies if set(expected) <= set(p.options)]
    assert policies, (source, extraction)
    options = policies[0].options
    for name, value in expected.items():
        got = options[name]
        assert got.known, (name, source)
        assert plain(got.plain()) == value, (name, got.plain(), value, source)


def py_value(value: Any, constants: dict[str, Any], name: str, indirect: bool) -> str:
    if indirect:  # through a module constant, as real settings often are
        constant = name.upper() + "_VALUE"
        constants[constant] = value
        return constant
    return repr(list(value)) if isinstance(value, tuple) else repr(value)


def py_module(header: str, call: str, constants: dict[str, Any]) -> str:
    lines = [header]
    lines += [
        f"{name} = {repr(list(v)) if isinstance(v, tuple) else repr(v)}" for name, v in constants.items()
    ]
    return "\n".join(lines) + "\n" + call + "\n"


# -- Starlette / FastAPI -----------------------------------------------------------------
starlette_options = st.fixed_dictionaries(
    {},
    optional={
        "allow_origins": origin_lists.map(tuple),
        "allow_methods": methods.map(tuple),
        "allow_headers": headers.map(tuple),
        "allow_credentials": st.booleans(),
        "allow_origin_regex": regexes,
        "expose_headers": headers.map(tuple),
        "max_age": st.integers(-10, 10**6),
    },
)


@PROFILE
@given(options=starlette_options, indirect=st.booleans())
def test_starlette_round_trip(tmp_path: Path, options: dict[str, Any], indirect: bool) -> None:
    constants: dict[str, Any] = {}
    arguments = "".join(f", {k}={py_value(v, constants, k, indirect)}" for k, v in options.items())
    source = py_module(
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()",
        f"app.add_middleware(CORSMiddleware{arguments})",
        constants,
    )
    round_trip("starlette", tmp_path / "main.py", source, options)


# -- Flask-CORS ----------------------------------------------------------------------------
flask_options = st.fixed_dictionaries(
    {},
    optional={
        "origins": origin_lists.filter(bool).map(tuple),
        "methods": methods.filter(bool).map(tuple),
        "allow_headers": headers.filter(bool).map(tuple),
        "expose_headers": headers.filter(bool).map(tuple),
        "supports_credentials": st.booleans(),
        "max_age": st.integers(0, 10**6),
    },
)


@PROFILE
@given(options=flask_options, indirect=st.booleans())
def test_flask_round_trip(tmp_path: Path, options: dict[str, Any], indirect: bool) -> None:
    constants: dict[str, Any] = {}
    arguments = "".join(f", {k}={py_value(v, constants, k, indirect)}" for k, v in options.items())
    source = py_module(
        "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)",
        f"CORS(app{arguments})",
        constants,
    )
    round_trip("flask_cors", tmp_path / "app.py", source, options)


# -- django-cors-headers ----------------------------------------------------------------------
django_options = st.fixed_dictionaries(
    {"CORS_ALLOWED_ORIGINS": st.lists(origins, max_size=5).map(tuple)},
    optional={
        "CORS_ALLOW_CREDENTIALS": st.booleans(),
        "CORS_ALLOW_METHODS": methods.map(tuple),
        "CORS_ALLOW_HEADERS": headers.map(tuple),
        "CORS_EXPOSE_HEADERS": headers.map(tuple),
        "CORS_PREFLIGHT_MAX_AGE": st.integers(0, 10**6),
        "CORS_ALLOWED_ORIGIN_REGEXES": st.lists(regexes, max_size=3).map(tuple),
    },
)


@PROFILE
@given(options=django_options)
def test_django_round_trip(tmp_path: Path, options: dict[str, Any]) -> None:
    body = "\n".join(
        f"{k} = {repr(list(v)) if isinstance(v, tuple) else repr(v)}" for k, v in options.items()
    )
    source = (
        'INSTALLED_APPS = ["django.contrib.auth", "corsheaders"]\n'
        'MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"]\n'
        + body
        + "\n"
    )
    expected = {k: tuple(plain(x) for x in v) if isinstance(v, tuple) else v for k, v in options.items()}
    round_trip("django", tmp_path / "settings.py", source, expected)


# -- Express `cors` ------------------------------------------------------------------------------
express_options = st.fixed_dictionaries(
    {},
    optional={
        "origin": st.one_of(origin_lists.filter(bool).map(tuple), origins, st.booleans()),
        "methods": methods.filter(bool).map(tuple),
        "allowedHeaders": headers.filter(bool).map(tuple),
        "exposedHeaders": headers.filter(bool).map(tuple),
        "credentials": st.booleans(),
        "maxAge": st.integers(0, 10**6),
    },
)


@PROFILE
@given(options=express_options)
def test_express_never_raises_and_keeps_literals(tmp_path: Path, options: dict[str, Any]) -> None:
    body = ", ".join(f"{k}: {json.dumps(list(v) if isinstance(v, tuple) else v)}" for k, v in options.items())
    source = (
        "const express = require('express');\nconst cors = require('cors');\n"
        f"const app = express();\napp.use(cors({{ {body} }}));\napp.get('/x', (req, res) => res.json({{}}));\n"
    )
    round_trip("express", tmp_path / "server.js", source, options)


# -- mangled input never raises anything but SourceError ----------------------------------------
SAMPLES = {
    "starlette": ("main.py", "from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True)\n"),
    "flask_cors": ("app.py", "from flask_cors import CORS\nCORS(app, origins=['https://a.example'], supports_credentials=True)\n"),
    "django": ("settings.py", "INSTALLED_APPS = ['corsheaders']\nCORS_ALLOWED_ORIGINS = ['https://a.example']\nCORS_ALLOW_CREDENTIALS = True\n"),
    "express": ("server.js", "const cors = require('cors');\napp.use(cors({ origin: ['https://a.example'], credentials: true }));\n"),
    "config_files": ("cors.json", '{"cors": {"origin": ["https://a.example"], "credentials": true}}\n'),
}  # fmt: skip


@pytest.mark.parametrize("framework", sorted(SAMPLES))
@PROFILE
@given(data=st.data())
def test_mangled_configurations_never_crash_an_extractor(
    tmp_path: Path, framework: str, data: st.DataObject
) -> None:
    name, text = SAMPLES[framework]
    cut = data.draw(st.integers(0, len(text)))
    keep = data.draw(st.integers(0, len(text)))
    noise = data.draw(st.text(alphabet=st.sampled_from(list("()[]{}'\",:=*\\\n#/!&|.`$")), max_size=8))
    mangled = text[: min(cut, keep)] + noise + text[max(cut, keep) :]
    try:
        extraction = extractor(framework)((tmp_path / name).as_posix(), mangled, ProjectContext())
    except SourceError:
        return
    assert isinstance(extraction, Extraction)
