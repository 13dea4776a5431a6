"""``gen serve``: the finance bureau's collection page over the same library the CLI uses.

Modules: ``models`` (tables), ``storage`` (database URL, migrations, files named by their hash),
``security`` (password hash, CSRF, login limit), ``jobs`` (the job table and its worker), ``app``
(routes and pages), ``server`` (waitress, first-start password).
"""
from .app import create_app

__all__ = ["create_app"]
