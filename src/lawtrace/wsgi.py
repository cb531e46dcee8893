"""WSGI entry point (gunicorn lawtrace.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrace.settings")
application = get_wsgi_application()
