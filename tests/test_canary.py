"""corslint reads code; it never imports or runs it. Files whose execution would leave a
marker are linted (and found, so they were really read), and no marker appears."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MARKER = "CANARY_RAN"


def plant(root: Path) -> Path:
    marker = root / MARKER
    python_payload = f"open({str(marker)!r}, 'w').write('imported')\n"
    js_payload = f"require('fs').writeFileSync({str(marker)!r}, 'executed');\n"
    (root / "mysite").mkdir()
    (root / "mysite" / "__init__.py").write_text(python_payload)
    (root / "mysite" / "base.py").write_text(python_payload + 'CORS_ALLOWED_ORIGINS = ["null"]\n')
    (root / "mysite" / "settings.py").write_text(
        python_payload
        + "from .base import *  # noqa\n"
        + "import os\nos.system('touch ' + "
        + repr(str(marker))
        + ")\n"
        + 'INSTALLED_APPS = ["corsheaders"]\n'
        + 'MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"]\n'
        + "CORS_ALLOW_ALL_ORIGINS = __import__('os').getenv('X', True)\n"
    )
    (root / "conftest.py").write_text(python_payload)
    (root / "sitecustomize.py").write_text(python_payload)
    (root / "setup.py").write_text(python_payload)
    (root / "app.py").write_text(
        python_payload
        + "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
        + "app = FastAPI()\n"
        + 'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n'
    )
    (root / "server.js").write_text(
        js_payload
        + "const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
        + "app.use(cors({ origin: 'null', credentials: true }));\n"
    )
    (root / "cors.config.js").write_text(
        js_payload + "module.exports = { origin: '*', credentials: true };\n"
    )
    (root / "package.json").write_text(
        '{"name": "canary", "scripts": {"preinstall": "touch ' + str(marker) + '"}}\n'
    )
    return marker


def test_linting_never_runs_the_code_it_reads(tmp_path: Path) -> None:
    marker = plant(tmp_path)
    for options in ([], ["--no-cache"]):
        run = subprocess.run(
            [sys.executable, "-m", "corslint", ".", "--format", "json", *options],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        )
        assert run.returncode == 1, run.stderr
        assert not marker.exists(), f"corslint executed code it was reading: {marker.read_text()}"
        # the planted files were really read: each framework's configuration was found
        for path in ("app.py", "server.js", "mysite/settings.py"):
            assert f'"{path}"' in run.stdout, (path, run.stdout[:2000])


def test_in_process_lint_imports_nothing_from_the_tree(tmp_path: Path) -> None:
    marker = plant(tmp_path)
    code = (
        "import sys\nfrom pathlib import Path\nfrom corslint.runner.settings import Settings\n"
        "from corslint.runner.run import lint\n"
        "result = lint([Path('.')], Settings())\n"
        "assert result.policies\n"
        "leaked = [m for m in sys.modules if m.split('.')[0] in {'mysite', 'app', 'conftest', 'setup', 'server'}]\n"
        "print(leaked)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
    assert not marker.exists()
