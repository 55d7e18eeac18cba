"""`python -m notifications`: serve the notifications service."""

from plumbing.serve import serve

from .bootstrap import build_app

serve(build_app)
