"""`python -m profiles`: serve the profiles service; `python -m profiles grant-administrator <email>`,
`python -m profiles restate people|enrollments|private-enrollments|contacts|matching-profiles` and
`python -m profiles erase-again --since TIME`: an operator's commands (see entrypoints/cli.py)."""

import sys

if len(sys.argv) > 1:
    from .entrypoints.cli import main

    sys.exit(main(sys.argv[1:]))

from plumbing.serve import serve

from .bootstrap import build_app

serve(build_app)
