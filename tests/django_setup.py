"""Django configured for the differential tests that run the real django-cors-headers
middleware: once per test session, by the first of those test modules to be imported."""

from __future__ import annotations

# routes for tests that route nothing themselves (`configure_django("tests.django_setup")`)
urlpatterns: list[object] = []


def configure_django(urlconf: str) -> None:
    """Settings for the real `CorsMiddleware` unless Django is configured already;
    `urlconf` names the module whose `urlpatterns` Django routes with."""
    # imported here: a test module calls this only after skipping when Django is absent
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="differential-test",
            ALLOWED_HOSTS=["*"],
            INSTALLED_APPS=["django.contrib.contenttypes", "corsheaders"],
            MIDDLEWARE=[],
            ROOT_URLCONF=urlconf,
            DATABASES={},
            USE_TZ=True,
        )
        django.setup()
