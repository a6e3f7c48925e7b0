"""Work a new web process would otherwise do on its first requests, done once in gunicorn's
master before it forks (portal/gunicorn.conf.py): every worker inherits the result.

Django imports the URLconf (and with it every view, serializer and form) on the first request,
and the views import Celery's task modules when they first queue something. In a worker that
is ~150 modules on the first request (0.2–0.4 s on the reference machine, 1 s when Python has
no bytecode cache), paid again by each worker gunicorn recycles (``max_requests``) while
requests queue behind it (measured: docs/adr/0024). Nothing here opens a connection: sockets
must not be shared across the fork."""

from __future__ import annotations


def warm_up() -> None:
    """Import and build what requests use lazily: the URL resolver (both directions), the
    task modules, the translation catalogues of every language."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports every view)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Vietnamese")  # loads the catalogue
            resolver.reverse_dict  # noqa: B018 (reverse() tables, one per language)
    from portal.celery import app

    app.loader.import_default_modules()
    app.finalize()  # binds the tasks to the app (the broker connection stays per process)
