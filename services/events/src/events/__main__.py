"""`python -m events`: serve the events service."""

from plumbing.serve import serve

from .bootstrap import build_app

serve(build_app)
