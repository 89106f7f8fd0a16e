"""The policy of one API Gateway CORS setting in a CDK stack, whichever language the stack
is written in (the Python reader here, the TS/JS one in extractors/express/aws_cdk.py)."""

from __future__ import annotations

from pathlib import PurePosixPath

from corslint.model import CorsPolicy, Evidence, Location, Value

REST, HTTP_API = "aws_cdk_rest", "aws_cdk_http_api"


def stack_policy(
    framework: str,
    path: str,
    location: Location,
    options: dict[str, Value],
    evidence: tuple[Evidence, ...],
    development_only: bool,
) -> CorsPolicy | None:
    """None for a RestApi setting without `allowOrigins`, which CorsOptions requires (the
    stack does not compile without it)."""
    if framework == REST and "allowOrigins" not in options:
        return None
    label = "RestApi" if framework == REST else "HttpApi"
    return CorsPolicy(
        framework=framework,
        location=location,
        options=options,
        evidence=evidence,
        development_only=development_only,
        label=f"AWS CDK {label} ({PurePosixPath(path).name})",
        app=f"{path}::{framework}@{location.line}:{location.column}",
    )
