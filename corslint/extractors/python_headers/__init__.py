"""Hand-written ``Access-Control-*`` headers in Python web applications (Flask, Django,
Starlette/FastAPI, Tornado, aiohttp, Bottle, Pyramid, raw ASGI apps), read into
``<framework>_headers`` policies (frameworks/python_headers.py).

The pieces, in the order a file meets them: `extractor` finds the layers, the code a
framework runs around a request (`unit`), with `flask_units` (hooks, views, class views),
`django_units` (middleware, views), `server_units` (Starlette middleware and routes,
Tornado handlers), `aiohttp_units` (middlewares, `on_response_prepare` handlers),
`bottle_units` (hooks), `pyramid_units` (`NewResponse` subscribers, response callbacks),
`asgi_units` (`(scope, receive, send)` apps, and `settings.X` read from a Django project)
and `decorators` (home-made CORS decorators); `views` tells which requests a view runs
for, and `project_scan` finds where a hook or decorator defined here is registered or
used in the project's other modules. `interpreter` then reads each layer's code into
ordered steps, with `requests` (how the code reads the request and tests it),
`responses` (how it makes and changes responses), `asgi_messages` (an ASGI app's scope,
its header lists and the messages it sends) and `callees` (helpers it hands the
response to); `frame` is the state they share.
"""
