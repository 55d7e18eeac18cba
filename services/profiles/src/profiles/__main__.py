"""`python -m profiles`: serve the profiles service."""

from plumbing.serve import serve

from .bootstrap import build_app

serve(build_app)
