"""`python -m events`: serve the events service; `python -m events restate catalogue|registrations|office-hours`: an
operator's command (see entrypoints/cli.py)."""

import sys

if len(sys.argv) > 1:
    from .entrypoints.cli import main

    sys.exit(main(sys.argv[1:]))

from plumbing.serve import serve

from .bootstrap import build_app

serve(build_app)
