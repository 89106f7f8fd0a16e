"""Responder's `responder.API(cors=True, cors_params={...})` (responder 9.2.0; the same in 1.x-3.x).

With `cors=True` Responder wraps its app in Starlette's `CORSMiddleware(app, **cors_params)`:
the params as written, not merged with anything (without `cors_params`, its
`DEFAULT_CORS_PARAMS`, which equal Starlette's own defaults and admit no origin). So the
Starlette model answers for it (checked against the real Responder in
tests/test_differential_responder_cors.py); only the name in messages differs.
"""

from __future__ import annotations

import dataclasses

from corslint.frameworks.starlette import FRAMEWORK as STARLETTE

FRAMEWORK = dataclasses.replace(
    STARLETTE,
    name="responder",
    display="Responder's CORS (Starlette CORSMiddleware)",
    unread_options="cors_params that could not be read one by one",
)
