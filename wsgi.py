"""WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from vendordd import create_app

app = create_app()
