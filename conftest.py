"""The order of the whole test run's services (pyproject.toml's testpaths finds them as services/*), and its halves.

Every test service starts a new consumer group from the earliest offset, so it first replays what earlier tests
published on the shared topics. The services that read the most topics (notifications) therefore run before the
busiest publishers: the services' tests run in the order of how many topics each subscribes to, most first, as its
committed AsyncAPI document says (contracts/asyncapi/<service>.yaml). Nothing else moves: the other test
directories keep their places, and each service's tests keep their order.

bin/test runs the suite in two processes (pytest-xdist), each with a broker and a database of its own. Each takes a
half whole, in that order: handed out a file at a time, as xdist does, a service's tests could come after any
publisher and spend minutes replaying it. The halves took about as long as each other (535 and 517 s in one process).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from xdist.scheduler import LoadScopeScheduling

ROOT = Path(__file__).resolve().parent
ASYNCAPI = ROOT / "contracts" / "asyncapi"


def subscribed_topics(service: str) -> int:
    """How many channels the service's AsyncAPI document has it receive from (0 without a document)."""
    document = ASYNCAPI / f"{service}.yaml"
    if not document.is_file():
        return 0
    operations = (yaml.safe_load(document.read_text()) or {}).get("operations") or {}
    return len({str(op.get("channel")) for op in operations.values() if op.get("action") == "receive"})


def service_of(item: pytest.Item) -> str | None:
    try:
        parts = item.path.relative_to(ROOT).parts
    except ValueError:
        return None
    return parts[1] if len(parts) > 2 and parts[0] == "services" else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    places = [index for index, item in enumerate(items) if service_of(item)]
    counts: dict[str, int] = {}

    def rank(item: pytest.Item) -> int:
        service = service_of(item)
        assert service is not None
        if service not in counts:
            counts[service] = subscribed_topics(service)
        return -counts[service]

    # sorted() is stable: a service's tests keep their order, and services that read as many topics keep theirs.
    for index, item in zip(places, sorted((items[index] for index in places), key=rank), strict=True):
        items[index] = item


FIRST_HALF = ("contracts/", "lib/", "services/notifications/", "services/web/")


class Halves(LoadScopeScheduling):
    """Two units of work, each run whole by one process in the order collected: the first half and the rest."""

    def _split_scope(self, nodeid: str) -> str:
        return "first half" if nodeid.startswith(FIRST_HALF) else "second half"


def pytest_xdist_make_scheduler(config: pytest.Config, log) -> Halves:
    return Halves(config, log)
