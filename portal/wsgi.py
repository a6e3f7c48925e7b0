"""Web entry point. DJANGO_SETTINGS_MODULE must be set (portal.settings.prod on a server):
the `portal` package refuses to start without it (portal/entrypoint.py)."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
