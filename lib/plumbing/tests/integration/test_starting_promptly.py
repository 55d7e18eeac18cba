"""A service restarted after an instance died serves and relays at once, while its consumer rejoins the group."""

import os
import signal
import subprocess
import sys
from uuid import uuid4

from mentorship_contracts.profiles import PEOPLE, PersonUpdated
from plumbing.unit_of_work import UnitOfWork

from .conftest import Recorder
from .test_outbox_inbox_dead_letters import read_topic


def an_instance_killed_in_its_group(options: dict, group: str) -> None:
    """A consumer in `group`, in a process killed with -9 once it has partitions: it never leaves the group, which
    waits for its session to time out (10 s) before giving its partitions to anyone else."""
    child = subprocess.Popen([sys.executable, "-c", f"""
import asyncio
from aiokafka import AIOKafkaConsumer
async def run():
    consumer = AIOKafkaConsumer({PEOPLE!r}, **{options!r}, group_id={group!r})
    await consumer.start()
    while not consumer.assignment():
        await consumer.getmany(timeout_ms=200)
    print("assigned", flush=True)
    await asyncio.Event().wait()
asyncio.run(run())
"""], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "assigned"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()


async def test_a_service_whose_predecessor_died_relays_what_it_commits_before_its_consumer_has_rejoined(
    make_service, started, kafka_client_options
):
    service = make_service(Recorder())
    an_instance_killed_in_its_group(kafka_client_options(), service.settings.consumer_group)

    await started(service)
    person = uuid4()
    async with UnitOfWork(service.pool) as uow:
        uow.emit(PersonUpdated(person_id=person, chapter_id=None, stage="resident", changed_fields=["stage"]))
        await uow.commit()
    await read_topic(kafka_client_options(), PEOPLE, str(person), 1)
    assert not service.consuming, "the consumer was still waiting for the dead instance's session to end"
