"""`app.use(cors(getCorsOptions()))` with a project helper of no parameters that returns one
options object per environment branch:

    export const getCorsOptions = () => {
      const isDevelopment = process.env.NODE_ENV === 'development';
      if (isDevelopment) return { origin: true, credentials: true };
      return { origin: process.env.ALLOWED_ORIGINS?.split(',') || [], credentials: true };
    };

The helper runs once, when the app is built, so the `cors` package is created with whichever
object it returns: one variant per return, read as `helper_return_variants` reads them for
@fastify/cors (set 21 follow-up; the call shape `app.use(cors(getCorsOptions()))` in 10 of 10
code-search excerpts, two helper bodies of exactly this shape seen)."""

from __future__ import annotations

from corslint.extractors.express.helper_return_variants import helper_return_variants
from corslint.extractors.express.option_variants import OptionVariant
from corslint.extractors.express.options import cors_options
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node
from corslint.model import Evidence, Value


def cors_helper_variants(module: JsModule, argument: Node) -> list[OptionVariant]:
    """One variant per options object the helper `argument` calls may return; [] otherwise."""
    return helper_return_variants(module, argument, _arm_options)


def _arm_options(home: JsModule, returned: Node) -> tuple[dict[str, Value], list[Evidence]]:
    return cors_options(home, returned, [returned])
