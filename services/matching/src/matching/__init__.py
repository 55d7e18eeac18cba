"""Matching service: pairing engine, waitlists, rounds, the mentorship lifecycle."""

import os

# Matching spreads a round's scoring over threads itself (see `domain.rounds`); BLAS threads of its own on top
# only fight those, and everything else on the machine (multithreaded OpenBLAS slows down several-fold on a busy
# host). Set before numpy loads; an operator's own setting wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
