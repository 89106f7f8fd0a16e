"""The snippets rule docs show (`bad` / `good`), and the app preambles most of them start
with: `corslint explain`, docs/rules and tests/test_rule_examples.py read them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """A snippet in one framework's syntax; `filename` decides which extractor reads it."""

    framework: str
    code: str
    filename: str = ""

    @property
    def file_name(self) -> str:
        return self.filename or DEFAULT_EXAMPLE_FILES[self.framework]


# The start of most FastAPI examples; docs show the examples with it spelled out.
FASTAPI_APP = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n"
)

# The start of most Express examples.
EXPRESS_APP = 'const express = require("express");\nconst cors = require("cors");\n\nconst app = express();\n'

# The start of most Flask-CORS examples.
FLASK_APP = "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"

# Django settings with django-cors-headers installed and its middleware placed first.
DJANGO_WIRED = (
    'INSTALLED_APPS = ["django.contrib.contenttypes", "corsheaders"]\n'
    "MIDDLEWARE = [\n"
    '    "corsheaders.middleware.CorsMiddleware",\n'
    '    "django.middleware.common.CommonMiddleware",\n'
    "]\n"
)

DEFAULT_EXAMPLE_FILES: Mapping[str, str] = {
    "starlette": "main.py",
    "flask_cors": "app.py",
    "django": "settings.py",
    "express": "server.js",
}
