"""`python -m matching`: serve the matching service."""

from plumbing.serve import serve

from .bootstrap import build_app

serve(build_app)
