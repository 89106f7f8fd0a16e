"""Which docker-compose values `python.compose_env` takes for an environment read with no
default, and which it leaves unknown (CORS305): the service building the app, its
`environment:` over its env files, and nothing from templates, development compose
files, overrides or services, env files not in the project, interpolation or disagreeing
files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_lint

APP = (
    "import os\n"
    "from fastapi import FastAPI\n"
    "from fastapi.middleware.cors import CORSMiddleware\n\n"
    "app = FastAPI()\n"
    'app.add_middleware(CORSMiddleware, allow_origins=os.environ["ORIGINS"].split(","),'
    ' allow_methods=["GET"])\n'
)
SERVICE = "services:\n  api:\n    build: .\n"
LOCAL = "ORIGINS=http://localhost:3000,https://a.example.com\n"

CASES: dict[str, tuple[dict[str, str], str | None]] = {
    "env_file": ({"docker-compose.yml": SERVICE + "    env_file: api.env\n", "api.env": LOCAL}, "CORS106"),
    "environment_map": (
        {"compose.yaml": SERVICE + "    environment:\n      ORIGINS: http://localhost:3000\n"},
        "CORS106",
    ),
    "environment_list": (
        {"docker-compose.yml": SERVICE + "    environment:\n      - ORIGINS=http://localhost:3000\n"},
        "CORS106",
    ),
    "environment_over_env_file": (
        {
            "docker-compose.yml": SERVICE
            + "    env_file: api.env\n    environment:\n      - ORIGINS=https://b.example.com\n",
            "api.env": LOCAL,
        },
        None,
    ),
    "development_compose_file": (
        {"docker-compose.dev.yml": SERVICE + "    env_file: api.env\n", "api.env": LOCAL},
        "CORS305",
    ),
    "template_env_file": (
        {"docker-compose.yml": SERVICE + "    env_file: .env.example\n", ".env.example": LOCAL},
        "CORS305",
    ),
    "override_compose_file": (
        {"docker-compose.override.yml": SERVICE + "    env_file: api.env\n", "api.env": LOCAL},
        "CORS305",
    ),
    "template_compose_file": (
        {"docker-compose.sample.yml": SERVICE + "    env_file: api.env\n", "api.env": LOCAL},
        "CORS305",
    ),
    "env_file_not_in_project": ({"docker-compose.yml": SERVICE + "    env_file: .env\n"}, "CORS305"),
    "later_env_file_not_in_project": (
        {
            "docker-compose.yml": SERVICE + "    env_file:\n      - api.env\n      - secrets.env\n",
            "api.env": LOCAL,
        },
        "CORS305",
    ),
    "interpolated": (
        {"docker-compose.yml": SERVICE + "    environment:\n      - ORIGINS=${ORIGINS}\n"},
        "CORS305",
    ),
    "quoted_in_list": (
        {"docker-compose.yml": SERVICE + '    environment:\n      - ORIGINS="http://localhost:3000"\n'},
        "CORS305",
    ),
    "development_service": (
        {
            "docker-compose.yml": SERVICE
            + "    environment:\n      - ENVIRONMENT=development\n      - ORIGINS=http://localhost:3000\n"
        },
        "CORS305",
    ),
    "reloading_service": (
        {
            "docker-compose.yml": SERVICE
            + "    command: uvicorn app:app --reload\n    environment:\n      ORIGINS: http://localhost:3000\n"
        },
        "CORS305",
    ),
    "other_build_context": (
        {"docker-compose.yml": SERVICE.replace(".", "./web") + "    env_file: api.env\n", "api.env": LOCAL},
        "CORS305",
    ),
    "image_only": (
        {
            "docker-compose.yml": "services:\n  api:\n    image: me/api\n    env_file: api.env\n",
            "api.env": LOCAL,
        },
        "CORS305",
    ),
    "files_disagree": (
        {
            "docker-compose.yml": SERVICE + "    env_file: api.env\n",
            "docker-compose.prod.yml": SERVICE + "    environment:\n      ORIGINS: https://b.example.com\n",
            "api.env": LOCAL,
        },
        "CORS305",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_compose_values_taken_and_left(in_tmp: Path, case: str) -> None:
    files, expected = CASES[case]
    (in_tmp / "requirements.txt").write_text("fastapi\n")
    (in_tmp / "app.py").write_text(APP)
    for name, text in files.items():
        (in_tmp / name).write_text(text)
    found = {f.rule_id for f in run_lint(Path(".")).findings}
    assert found == ({expected} if expected else set()), found


def test_compose_value_names_its_line(in_tmp: Path) -> None:
    (in_tmp / "requirements.txt").write_text("fastapi\n")
    (in_tmp / "app.py").write_text(APP)
    (in_tmp / "docker-compose.yml").write_text(
        SERVICE + "    environment:\n      - ORIGINS=http://localhost:3000\n"
    )
    (finding,) = run_lint(Path(".")).findings
    assert "unset" not in finding.message
    assert [(r.location.path, r.location.line) for r in finding.related] == [("docker-compose.yml", 5)]
