"""Odoo's own CORS switch: the `cors=` option of `@http.route(...)`."""
