"""Deno's Oak: the CORS middleware of deno.land/x/cors (`oakCors`), not modelled yet (CORS003).
Oak's hand-written headers are read with Koa's in `extractors/express/` (framework `oak_headers`)."""
