"""A hand-written Django view whose every answer to a request without credentials is a
refusal: `@login_required` (or `permission_required`, `staff_member_required`) on the view,
on a class view's `dispatch` through `method_decorator`, `LoginRequiredMixin`, or a DRF view's
`permission_classes = [IsAuthenticated]` (`@permission_classes([...])` on a function view), or
a DRF view that sets none under `REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": [...]}` where
every settings module that names the key gives a refusing class as a literal.

Measured with Django 5.2 / DRF 3.15 (tests/test_differential_django_login_guards.py): an
anonymous request gets the login redirect (302) or 403, with no `Access-Control-Allow-Origin`;
only a logged-in request reaches the code that writes `*`, and browsers refuse `*` for reads
made with credentials. So "any website can read responses to requests made without cookies"
(CORS105) does not hold; reflection with credentials (CORS101) still does, and is kept.

Only guards that cover every function writing the headers count: a class-level guard covers
the handler methods (`get`, `options`, ...) but not an override of `dispatch` or
`finalize_response`, which can write on the refusal itself (yiju-zhao/DeepSight-Django
backend/notebooks/views/sse_views.py: `method_decorator(login_required)` on `dispatch`, `*`
written in `options()` and `get()`).
"""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python.project_files import project_root
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.tree_index import owning_class
from corslint.extractors.python_headers.unit import Unit
from corslint.model import Evidence

KIND = "login-required"
GUARD_DECORATORS = frozenset(
    {
        "django.contrib.auth.decorators.login_required",
        "django.contrib.auth.decorators.permission_required",
        "django.contrib.admin.views.decorators.staff_member_required",
    }
)
GUARD_MIXINS = frozenset(
    {"django.contrib.auth.mixins.LoginRequiredMixin", "django.contrib.auth.mixins.PermissionRequiredMixin"}
)
# DRF permissions that refuse an anonymous user whatever the method (OPTIONS included)
REFUSING_PERMISSIONS = frozenset(
    {
        "rest_framework.permissions.IsAuthenticated",
        "rest_framework.permissions.IsAdminUser",
        "rest_framework.permissions.DjangoModelPermissions",
    }
)
METHOD_DECORATOR = "django.utils.decorators.method_decorator"
PERMISSION_DECORATOR = "rest_framework.decorators.permission_classes"
API_VIEW = "rest_framework.decorators.api_view"
# methods that run around the refusal: a header written there reaches the anonymous answer
_AROUND = frozenset(
    {"dispatch", "finalize_response", "handle_exception", "permission_denied", "initial", "setup", "__call__"}
)


def login_guard(unit: Unit, context: ProjectContext) -> tuple[Evidence, ...]:
    """`login-required` evidence when every function of a Django view unit runs only for an
    authenticated request; nothing otherwise."""
    if unit.kind != "django" or unit.role != "view" or not unit.phases:
        return ()
    for phase in unit.phases:
        module, function = phase.module, phase.function
        owner = phase.owner or owning_class(module.tree, function)
        if _decorated(module, function.decorator_list, method=owner is not None):
            continue
        if owner is None and _drf_default(module, function, context):
            continue
        if owner is None or function.name in _AROUND:
            return ()
        if not _class_guarded(module, owner) and not _drf_default(module, owner, context):
            return ()
    phase = unit.phases[0]
    return (Evidence(KIND, "only logged-in requests reach the view", phase.module.location(phase.function)),)


def _name(module: PythonModule, node: ast.expr) -> str:
    return module.qualified_name(node.func if isinstance(node, ast.Call) else node) or ""


def _guard(module: PythonModule, node: ast.expr) -> bool:
    """`login_required`, `login_required(login_url=...)`, `permission_required("x")`."""
    return _name(module, node) in GUARD_DECORATORS


def _decorated(module: PythonModule, decorators: list[ast.expr], method: bool) -> bool:
    if method:
        return any(_method_guard(module, decorator, dispatch_only=False) for decorator in decorators)
    if any(_guard(module, decorator) for decorator in decorators):
        return True
    classes = _permission_decorator(module, decorators)
    return classes is not None and _refusing(module, classes)


def _permission_decorator(module: PythonModule, decorators: list[ast.expr]) -> ast.expr | None:
    """The classes of `@permission_classes([...])` written below `@api_view` (above it, DRF
    has built the view already and the attribute it sets is never read)."""
    names = [_name(module, decorator) for decorator in decorators]
    if API_VIEW not in names:
        return None
    for decorator, name in list(zip(decorators, names, strict=True))[names.index(API_VIEW) + 1 :]:
        if name == PERMISSION_DECORATOR and isinstance(decorator, ast.Call) and decorator.args:
            return decorator.args[0]
    return None


def _method_guard(module: PythonModule, decorator: ast.expr, dispatch_only: bool) -> bool:
    """`method_decorator(login_required)`, `method_decorator([csrf_exempt, login_required])`;
    on a class, only with `name="dispatch"`."""
    if (
        not isinstance(decorator, ast.Call)
        or _name(module, decorator) != METHOD_DECORATOR
        or not decorator.args
    ):
        return False
    if dispatch_only:
        named = next((k.value for k in decorator.keywords if k.arg == "name"), None)
        if not (isinstance(named, ast.Constant) and named.value == "dispatch"):
            return False
    wrapped = decorator.args[0]
    inner = wrapped.elts if isinstance(wrapped, (ast.List, ast.Tuple)) else [wrapped]
    return any(_guard(module, item) for item in inner)


def _class_guarded(module: PythonModule, node: ast.ClassDef) -> bool:
    if any(_name(module, base) in GUARD_MIXINS for base in node.bases):
        return True
    if any(_method_guard(module, d, dispatch_only=True) for d in node.decorator_list):
        return True
    for item in node.body:
        if (
            isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            and item.name == "dispatch"
            and any(_method_guard(module, d, dispatch_only=False) for d in item.decorator_list)
        ):
            return True
    if not any(_name(module, base).startswith("rest_framework.") for base in node.bases):
        return False  # `permission_classes` means nothing to a plain Django view
    for item in node.body:
        if isinstance(item, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "permission_classes" for t in item.targets
        ):
            return _refusing(module, item.value)
    return False


def _refusing(module: PythonModule, value: ast.expr) -> bool:
    """`[IsAuthenticated]`, `(IsAdminUser,)`: DRF needs every class to pass, so one that
    refuses anonymous users is enough; `IsAuthenticated | AllowAny` is not read."""
    if not isinstance(value, (ast.List, ast.Tuple)):
        return False
    return any(
        isinstance(item, (ast.Name, ast.Attribute)) and _name(module, item) in REFUSING_PERMISSIONS
        for item in value.elts
    )


def _drf_default(
    module: PythonModule, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, context: ProjectContext
) -> bool:
    """A DRF view that names no permission classes of its own (a class whose bases are DRF's
    own, an `@api_view` function without `@permission_classes`), under a refusing default."""
    if isinstance(node, ast.ClassDef):
        if not node.bases or not all(
            _name(module, base).startswith("rest_framework.") for base in node.bases
        ):
            return False  # a project base class may set its own permission classes
        if any(
            "permission_classes" in ast.unparse(item)
            for item in node.body
            if isinstance(item, (ast.Assign, ast.AnnAssign, ast.FunctionDef))
        ):
            return False
    else:
        names = [_name(module, d) for d in node.decorator_list]
        if API_VIEW not in names or PERMISSION_DECORATOR in names[names.index(API_VIEW) + 1 :]:
            return False
    key = f"django_login_guards:default:{project_root(module.path)}"
    cached = context.shared.get(key)
    if not isinstance(cached, bool):
        cached = _default_refuses(module, context)
        context.shared[key] = cached
    return cached


def _default_refuses(module: PythonModule, context: ProjectContext) -> bool:
    settings = modules_mentioning(module, context, b"DEFAULT_PERMISSION_CLASSES")
    verdicts = [_literal_default(other) for other in settings]
    return bool(verdicts) and all(verdict is True for verdict in verdicts)


def _literal_default(module: PythonModule) -> bool | None:
    """True: `REST_FRAMEWORK = {..., "DEFAULT_PERMISSION_CLASSES": ["...IsAuthenticated"]}`
    at the top of the module, and the key named nowhere else in it; None: anything else."""
    found: bool | None = None
    mentions = module.text.count("DEFAULT_PERMISSION_CLASSES")
    for statement in module.tree.body:
        if not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Dict)):
            continue
        if not any(isinstance(t, ast.Name) and t.id == "REST_FRAMEWORK" for t in statement.targets):
            continue
        for key, value in zip(statement.value.keys, statement.value.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "DEFAULT_PERMISSION_CLASSES":
                if found is not None or not isinstance(value, (ast.List, ast.Tuple)):
                    return None
                found = any(
                    isinstance(item, ast.Constant) and item.value in REFUSING_PERMISSIONS
                    for item in value.elts
                )
    return found if found and mentions == 1 else None
