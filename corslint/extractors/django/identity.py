"""Whether a module holding `CORS_*` names is Django settings that django-cors-headers reads,
another framework's configuration (a Flask settings module loaded with
`app.config.from_object`), or something corslint cannot tell.

Decided from what the module is (Django-only settings, imports), how it is loaded (a
launcher's `DJANGO_SETTINGS_MODULE`, Flask's config loaders, a Django settings module
star-importing it) and, when that says nothing, from the project's declared
dependencies. `CORS_*` names alone make a module Django's only in a project without any
dependency manifest (a settings fragment on its own), and only when each of them is a name
django-cors-headers reads and Flask-CORS does not: `CORS_ORIGINS` is Flask-CORS's,
`CORS_ALLOW_HEADERS` is both libraries'.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.launchers import loaded_by_flask, named_settings
from corslint.extractors.django.module_paths import display_path
from corslint.extractors.django.namespace import Namespace
from corslint.extractors.django.orphan_fragments import orphan_fragment
from corslint.extractors.manifests import declared_packages
from corslint.extractors.python import PythonModule
from corslint.frameworks.django_cors import SETTINGS
from corslint.frameworks.flask_cors import CONFIG_KEYS


class Identity(enum.Enum):
    DJANGO = "django"
    OTHER = "other"  # another framework's configuration, or no CORS settings at all
    UNSURE = "unsure"


# Settings that only a Django settings module defines.
DJANGO_MARKERS = frozenset(
    {
        "INSTALLED_APPS",
        "MIDDLEWARE",
        "MIDDLEWARE_CLASSES",
        "ROOT_URLCONF",
        "WSGI_APPLICATION",
        "ASGI_APPLICATION",
        "AUTH_PASSWORD_VALIDATORS",
        "DEFAULT_AUTO_FIELD",
    }
)
# Django's too, but names a Flask config may also use for its own purposes.
WEAK_MARKERS = frozenset({"DATABASES", "TEMPLATES"})
# A CORS_* constant in a module importing these configures that framework, not Django.
OTHER_FRAMEWORKS = frozenset(
    {
        "fastapi",
        "starlette",
        "flask",
        "flask_cors",
        "quart",
        "quart_cors",
        "pydantic",
        "pydantic_settings",
        "sanic",
    }
)
# django-cors-headers settings Flask-CORS never reads (and the reverse): a module setting
# only the first kind, with nothing else pointing at a framework, configures Django
DJANGO_ONLY_SETTINGS = frozenset(SETTINGS) - frozenset(CONFIG_KEYS)
FLASK_ONLY_SETTINGS = frozenset(CONFIG_KEYS) - frozenset(SETTINGS)
DJANGO_PACKAGES = ("django", "django-cors-headers")
FLASK_PACKAGES = ("flask", "flask-cors", "quart", "quart-cors")


def settings_identity(
    context: ProjectContext,
    module: PythonModule,
    namespace: Namespace,
    imported_by_django: Callable[[], bool],
) -> Identity:
    names = set(namespace.settings)
    if (
        not names & DJANGO_MARKERS
        and not _imports(module, ("django",))
        and _imports(module, ("corsheaders",))
        and not _in_django_settings_package(context, module)
        and orphan_fragment(context, module, imported_by_django)
    ):
        return Identity.OTHER  # a `CORS_*` fragment no settings module loads (census 9 C3)
    if names & DJANGO_MARKERS or _imports(module, ("django", "corsheaders")) or "corsheaders" in module.text:
        return Identity.DJANGO
    if _imports(module, tuple(OTHER_FRAMEWORKS)):
        return Identity.OTHER
    own_cors = any(name in SETTINGS for name in module.assignments)
    if not own_cors and not names & WEAK_MARKERS:
        return Identity.OTHER  # nothing django-cors-headers reads is set here
    if context.python.resolved(module.path) in named_settings(context, module):
        return Identity.DJANGO
    if loaded_by_flask(context, module):
        return Identity.OTHER
    if imported_by_django() or _in_django_settings_package(context, module):
        return Identity.DJANGO
    declared = declared_packages(context, module.path)
    django, flask = declared.has(*DJANGO_PACKAGES), declared.has(*FLASK_PACKAGES)
    if names & WEAK_MARKERS and not (flask and not django):
        return Identity.DJANGO
    if not own_cors or "settings" not in module.path.lower():
        return Identity.OTHER  # a module of CORS_* constants no settings module loads
    if django and not flask:
        return Identity.DJANGO
    if flask and not django:
        return Identity.OTHER
    if not declared.found and _only_django_names(module):
        return Identity.DJANGO
    return Identity.UNSURE


def _only_django_names(module: PythonModule) -> bool:
    """`CORS_ALLOW_ALL_ORIGINS = True` alone in a settings module: a django-cors-headers
    setting no other library reads, and no Flask-CORS-only name beside it."""
    names = {name for name in module.assignments if name.startswith("CORS_")}
    return bool(names & DJANGO_ONLY_SETTINGS) and not names & FLASK_ONLY_SETTINGS


def _in_django_settings_package(context: ProjectContext, module: PythonModule) -> bool:
    """A module in (a folder of) a settings package whose `__init__` is Django settings:
    `settings/environments/development.py` beside a django-split-settings `__init__.py`
    that includes it under a name built at run time."""
    project = context.python
    folder = project.resolved(module.path).parent
    for package in (folder, folder.parent):
        init = package / "__init__.py"
        if init == project.resolved(module.path) or not init.is_file():
            continue
        parsed = project.module_at(init, display_path(module, init))
        if parsed is not None and is_django_settings(parsed):
            return True
    return False


def _imports(module: PythonModule, packages: tuple[str, ...]) -> bool:
    return any(qualified.split(".")[0] in packages for qualified in module.imports.values())


def is_django_settings(module: PythonModule) -> bool:
    """The module itself says it is Django settings (a cheap test for importers)."""
    return (
        any(name in module.assignments for name in DJANGO_MARKERS)
        or _imports(module, ("django", "corsheaders"))
        or "corsheaders" in module.text
        or "split_settings" in module.text
    )


def unsure_message(module: PythonModule, context: ProjectContext) -> str:
    declared = declared_packages(context, module.path)
    django, flask = declared.has(*DJANGO_PACKAGES), declared.has(*FLASK_PACKAGES)
    if django and flask:
        why = "the project declares both Django and Flask"
    elif declared.found:
        why = "the project's dependency manifests declare neither Django nor Flask"
    else:
        why = "no dependency manifest (requirements.txt, pyproject.toml ...) was found"
    return (
        f"corslint cannot tell which library reads the `CORS_*` settings in this module ({why}, "
        "and nothing loads it as Django settings: no INSTALLED_APPS or MIDDLEWARE, no "
        "DJANGO_SETTINGS_MODULE naming it, no Django settings module importing it); they were not checked"
    )
