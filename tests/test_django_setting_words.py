"""The django-cors-headers setting a misnamed CORS_* name means, found by its words."""

from __future__ import annotations

import pytest

from corslint.extractors.django.setting_names import REMOVED_SETTINGS
from corslint.extractors.django.setting_words import setting_by_words
from corslint.frameworks.django_cors import LEGACY, SETTINGS

_CURRENT = sorted(SETTINGS - REMOVED_SETTINGS - set(LEGACY))


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("CORS_ORIGIN_ALLOW_HEADER", "CORS_ALLOW_HEADERS"),  # spelling alone says ORIGIN_ALLOW_ALL
        ("CORS_ORIGIN_ALLOW_CREDENTIALS", "CORS_ALLOW_CREDENTIALS"),
        ("CORS_ORIGIN_ALLOW_METHODS", "CORS_ALLOW_METHODS"),
        ("CORS_EXPOSED_HEADER", "CORS_EXPOSE_HEADERS"),
        ("CORS_ALLOW_ORIGINS_ALL", "CORS_ALLOW_ALL_ORIGINS"),
        # a project's own names: words outside CORS vocabulary, or no setting's words
        ("CORS_ALLOWED_ORIGINS_STAGING", None),
        ("CORS_EXTRA_HEADERS", None),
        ("CORS_ALLOW_HEADER_LIST", None),
    ],
)
def test_setting_by_words(name: str, meant: str | None) -> None:
    assert setting_by_words(name, _CURRENT) == meant
