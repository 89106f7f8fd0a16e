"""Constants a package exports that CORS options are written with, as the package defines
them: `optionsSuccessStatus: HttpStatus.NO_CONTENT` with `HttpStatus` from @nestjs/common
(census 6 sample 298, dolphin-admin/nest-api `src/main.ts`, and many NestJS `enableCors`
calls), whose enum is `OK = 200, ..., NO_CONTENT = 204` (nestjs/nest
`packages/common/enums/http-status.enum.ts`). Only the 2xx members: the statuses a
preflight answer may be given."""

from __future__ import annotations

from corslint.model import Location, Provenance, Value

_NEST_HTTP_STATUS = {
    "OK": 200,
    "CREATED": 201,
    "ACCEPTED": 202,
    "NON_AUTHORITATIVE_INFORMATION": 203,
    "NO_CONTENT": 204,
    "RESET_CONTENT": 205,
    "PARTIAL_CONTENT": 206,
}
_EXPORTS = {("@nestjs/common", "HttpStatus"): _NEST_HTTP_STATUS}


def package_constant(specifier: str, exported: str, use: Location) -> Value | None:
    """The object `exported` of package `specifier` stands for, where corslint knows it; its
    members not listed here are unknown (`**`)."""
    members = _EXPORTS.get((specifier, exported))
    if members is None:
        return None
    entries: dict[str, Value] = {
        name: Value(code, use, Provenance.CONSTANT, description=f"{exported}.{name}")
        for name, code in members.items()
    }
    entries["**"] = Value(None, use, Provenance.UNKNOWN, description=exported)
    return Value(entries, use, Provenance.CONSTANT, description=exported)
