"""`python -m web`: serve the web app."""

from plumbing.serve import serve

from .bootstrap import build_app

serve(build_app)
