"""`uv run python -m bench.faults [--scale 1.0] [--faults all]`: see bench/faults/run.py."""

from bench.faults.run import main

main()
