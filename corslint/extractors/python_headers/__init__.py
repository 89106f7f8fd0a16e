"""Hand-written ``Access-Control-*`` headers in Python web applications (Flask, Django,
Starlette/FastAPI, Tornado), read into ``<framework>_headers`` policies
(frameworks/python_headers.py).

The pieces, in the order a file meets them: `extractor` finds the layers, the code a
framework runs around a request (`unit`), with `flask_units` (hooks, views, class views),
`django_units` (middleware, views), `server_units` (Starlette middleware and routes,
Tornado handlers) and `decorators` (home-made CORS decorators); `views` tells which
requests a view runs for, and `project_scan` finds where a hook or decorator defined
here is registered or used in the project's other modules. `interpreter` then reads
each layer's code into ordered steps, with `requests` (how the code reads the request
and tests it), `responses` (how it makes and changes responses) and `callees` (helpers
it hands the response to); `frame` is the state they share.
"""
