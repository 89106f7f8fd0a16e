"""`@cross_origin` above another extension's callback registrar (`@token_auth.verify_token`,
`@login_manager.user_loader`): the registrar stores the function as it was before
`cross_origin` wrapped it, so the wrapper is never a view and adds no headers."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule

# the classes whose instances register callbacks, by package
REGISTRAR_CLASSES = frozenset(
    {
        "flask_httpauth.HTTPBasicAuth",
        "flask_httpauth.HTTPDigestAuth",
        "flask_httpauth.HTTPTokenAuth",
        "flask_httpauth.MultiAuth",
        "flask_login.LoginManager",
        "flask_jwt_extended.JWTManager",
    }
)
# their methods that register the function they decorate (and return it as it was)
REGISTRAR_METHODS = frozenset(
    {
        # Flask-HTTPAuth
        "verify_password",
        "verify_token",
        "get_password",
        "hash_password",
        "get_user_roles",
        "error_handler",
        "generate_nonce",
        "verify_nonce",
        "generate_opaque",
        "verify_opaque",
        # Flask-Login
        "user_loader",
        "request_loader",
        "header_loader",
        "unauthorized_handler",
        "needs_refresh_handler",
        # Flask-JWT-Extended
        "additional_claims_loader",
        "additional_headers_loader",
        "decode_key_loader",
        "encode_key_loader",
        "expired_token_loader",
        "invalid_token_loader",
        "needs_fresh_token_loader",
        "revoked_token_loader",
        "token_in_blocklist_loader",
        "token_verification_failed_loader",
        "token_verification_loader",
        "unauthorized_loader",
        "user_identity_loader",
        "user_lookup_error_loader",
        "user_lookup_loader",
    }
)


def registers_undecorated(module: PythonModule, function: ast.AST, cross_origin: ast.expr) -> bool:
    """Whether a callback registrar of a known extension is applied before `cross_origin`
    (written below it), so what the extension keeps is the unwrapped function."""
    decorators: list[ast.expr] = getattr(function, "decorator_list", [])
    if cross_origin not in decorators:
        return False
    below = decorators[decorators.index(cross_origin) + 1 :]
    return any(_is_registrar(module, decorator) for decorator in below)


def _is_registrar(module: PythonModule, decorator: ast.expr) -> bool:
    if isinstance(decorator, ast.Call):
        decorator = decorator.func  # `@jwt.expired_token_loader()` is not how they are used
    if not (
        isinstance(decorator, ast.Attribute)
        and decorator.attr in REGISTRAR_METHODS
        and isinstance(decorator.value, ast.Name)
    ):
        return False
    return _instance_of_registrar(module, decorator.value.id)


def _instance_of_registrar(module: PythonModule, name: str) -> bool:
    """`token_auth = HTTPTokenAuth(...)` here, or in the project module it is imported from."""
    bound = module.assignments.get(name)
    if bound:
        return all(
            isinstance(value, ast.Call) and (module.qualified_name(value.func) or "") in REGISTRAR_CLASSES
            for _, value in bound
        )
    imported = module.imports.get(name)
    if imported is None or module.project is None:
        return False
    found = module.project.lookup(module, imported)
    if found is None or found[0] is module:
        return False
    other, other_name = found
    return bool(other.assignments.get(other_name)) and _instance_of_registrar(other, other_name)
