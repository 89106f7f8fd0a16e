"""Hand-written views that end some requests early with an error answer before writing
their CORS headers (`if take is None: return Response(..., status=404)`, `if not
serializer.is_valid(): return Response(..., status=400)`, `if user is None: return
redirect(...)`; yiju-zhao/DeepSight-Django backend/podcast/views.py:304, set 21).

Run by the real frameworks (Flask 3.1; Django 5.2 with Django REST framework 3.15): the
early answers carry no CORS header at all (a refusal of that request, not a policy), and
the success answer carries exactly what corslint's model answers for the view. Tests on
the Origin (`trusted = origin.endswith(...)`, `allowed = origin in PLAYER_ORIGINS`) still
decide who gets the headers, as the model says for each origin."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, policies_linted_inside

FLASK = FIXTURES / "flask" / "handwritten_view_early_error_returns"
DJANGO = FIXTURES / "django" / "handwritten_view_early_error_returns"
ORIGINS = (
    "https://attacker.invalid",
    "https://app.example.com",
    "http://app.example.com",
    "https://player.example.org",
)
HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Vary",
)
PREFLIGHT = (("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type"))


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"app", "recordings", "studio"}]:
        del sys.modules[name]


def _policy(project: Any, view: str, framework: str) -> CorsPolicy:
    (found,) = [p for p in policies_linted_inside(project, framework) if f"(view {view}" in p.label]
    return found


def _cors(headers: Any) -> dict[str, str | None]:
    return {name: _shown(name, headers.get(name)) for name in HEADERS}


def _shown(name: str, value: str | None) -> str | None:
    """Vary as whether it names Origin (Flask's session adds `Cookie` to it)."""
    if name != "Vary" or value is None:
        return value
    return "Origin" if "origin" in {part.strip().lower() for part in value.split(",")} else None


def _ours(policy: CorsPolicy, method: str, origin: str) -> dict[str, str | None]:
    answer = respond(policy, Request(method, origin, PREFLIGHT if method == "OPTIONS" else ()))
    return {name: _shown(name, answer.get(name.lower())) for name in HEADERS}


NO_CORS = dict.fromkeys(HEADERS)


def test_flask_views_answer_like_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("flask")
    monkeypatch.syspath_prepend(str(FLASK))
    app = importlib.import_module("app").app
    client = app.test_client()
    stream, draft, embed = (
        _policy(FLASK, name, "flask_headers") for name in ("stream_clip", "draft", "embed")
    )
    for origin in ORIGINS:
        sent = {"Origin": origin}
        # the early answers: no CORS header (404 missing clip, 409 not encoded, redirect)
        for path in ("/api/clips/9/stream", "/api/clips/2/stream", "/api/drafts/1"):
            refused = client.get(path, headers=sent)
            assert refused.status_code in {302, 404, 409} and _cors(refused.headers) == NO_CORS, path
        # the success answers are the model's
        success = client.get("/api/clips/1/stream", headers=sent)
        assert success.status_code == 200 and _cors(success.headers) == _ours(stream, "GET", origin)
        assert _cors(success.headers)["Access-Control-Allow-Origin"] == origin  # CORS101's reflection
        with client.session_transaction() as session:
            session["user"] = "editor"
        signed_in = client.get("/api/drafts/1", headers=sent)
        assert signed_in.status_code == 200 and _cors(signed_in.headers) == _ours(draft, "GET", origin)
        missing = client.get("/api/drafts/9", headers=sent)
        assert missing.status_code == 404 and _cors(missing.headers) == NO_CORS
        with client.session_transaction() as session:
            session.clear()
        embedded = client.get("/api/embed/1", headers=sent)
        assert _cors(embedded.headers) == _ours(embed, "GET", origin), origin
        assert client.get("/api/embed/9", headers=sent).headers.get("Access-Control-Allow-Origin") is None
        # Flask answers the preflights itself, without the views: no CORS header either way
        for path, policy in (
            ("/api/clips/1/stream", stream),
            ("/api/drafts/1", draft),
            ("/api/embed/1", embed),
        ):
            preflight = client.options(path, headers={**sent, "Access-Control-Request-Method": "PUT"})
            assert _cors(preflight.headers) == _ours(policy, "OPTIONS", origin) == NO_CORS


def test_django_views_answer_like_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("django")
    pytest.importorskip("rest_framework")
    from tests.django_setup import configure_django

    configure_django("tests.django_setup")
    from django.test import RequestFactory, override_settings

    monkeypatch.syspath_prepend(str(DJANGO))
    drf: dict[str, object] = {
        "UNAUTHENTICATED_USER": None,  # no django.contrib.auth in the shared test settings
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
    }
    with override_settings(REST_FRAMEWORK=drf):
        views = importlib.import_module("recordings.views")
        factory = RequestFactory()

        def call(view: Any, method: str, origin: str, body: object = None, **kwargs: Any) -> Any:
            extra: dict[str, Any] = {"HTTP_ORIGIN": origin}
            if method == "OPTIONS":
                extra |= {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT"}
            data = json.dumps(body) if body is not None else ""
            request = factory.generic(method, "/", data, content_type="application/json", **extra)
            request.user = None
            return view(request, **kwargs)

        audio, notes = views.TakeAudio.as_view(), views.TakeNotes.as_view()
        policies = {name: _policy(DJANGO, name, "django_headers") for name in ("TakeAudio", "TakeNotes")}
        waveform, embed = (
            _policy(DJANGO, "waveform", "django_headers"),
            _policy(DJANGO, "embed_player", "django_headers"),
        )
        for origin in ORIGINS:
            for take in (9, 2):  # no such take; not rendered yet
                assert _cors(call(audio, "GET", origin, take_id=take)) == NO_CORS
            success = call(audio, "GET", origin, take_id=1)
            assert success.status_code == 200 and _cors(success) == _ours(
                policies["TakeAudio"], "GET", origin
            )
            assert success["Access-Control-Allow-Origin"] == origin  # CORS101's reflection
            assert _cors(call(audio, "OPTIONS", origin, take_id=1)) == _ours(
                policies["TakeAudio"], "OPTIONS", origin
            )
            assert call(audio, "POST", origin, take_id=1).status_code == 405  # GET alone: reads-only

            assert _cors(call(notes, "POST", origin, {"text": ""}, take_id=1)) == NO_CORS  # invalid: 400
            saved = call(notes, "POST", origin, {"text": "louder"}, take_id=1)
            assert saved.status_code == 201 and _cors(saved) == _ours(policies["TakeNotes"], "POST", origin)
            # DRF's own OPTIONS answer: no CORS header, so a JSON POST's preflight fails (CORS206)
            assert _cors(call(notes, "OPTIONS", origin, take_id=1)) == NO_CORS

            assert call(views.waveform, "GET", origin, take_id=9).status_code == 302
            assert _cors(call(views.waveform, "GET", origin, take_id=9)) == NO_CORS
            assert _cors(call(views.waveform, "GET", origin, take_id=1)) == _ours(waveform, "GET", origin)
            assert _cors(call(views.embed_player, "GET", origin, slug="intro")) == _ours(embed, "GET", origin)
            assert _cors(call(views.embed_player, "GET", origin, slug="no-such")) == NO_CORS
