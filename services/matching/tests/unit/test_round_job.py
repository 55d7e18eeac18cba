"""The background job that runs rounds."""

import asyncio
import subprocess
import sys
from types import SimpleNamespace

from matching.entrypoints import jobs


async def test_the_round_job_readies_the_solver_before_it_first_looks_for_a_round():
    happened: list[str] = []
    looked = asyncio.Event()

    def no_round_queued():
        happened.append("looked for a round")
        looked.set()
        raise ConnectionError("the fake has no database")  # logged; the job tries again after its wait

    job = jobs.run_rounds(no_round_queued, solve=lambda graph, most_pairs_first: None,  # type: ignore[arg-type]
                          settings=SimpleNamespace(round_poll_seconds=60, round_lease_seconds=60),  # type: ignore[arg-type]
                          prepare=lambda: happened.append("solver ready"))
    running = asyncio.create_task(job(None))
    await asyncio.wait_for(looked.wait(), timeout=10)
    running.cancel()
    assert happened == ["solver ready", "looked for a round"]


def test_the_service_is_built_without_importing_numba_which_takes_a_second_the_round_job_spends_in_its_thread():
    imported = subprocess.run([sys.executable, "-c", "import sys, matching.bootstrap; print('numba' in sys.modules)"],
                              capture_output=True, text=True, check=True)
    assert imported.stdout.strip() == "False"
