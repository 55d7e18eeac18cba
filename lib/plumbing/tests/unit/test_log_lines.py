"""Every line a service writes is one JSON object an operator can grep by level: no terminal colour codes, a
warning from a library as JSON too, and a Kafka client's transient complaint while a group forms not an error."""

import io
import json
import logging
import warnings

import pytest
from plumbing import logs


@pytest.fixture
def written(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    root = logging.getLogger()
    before = (root.handlers[:], root.level)
    logs.configure("events")
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    logging.captureWarnings(False)
    root.handlers[:], root.level = before


def test_uvicorns_coloured_copy_of_a_message_is_left_out(written):
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42,
                                            extra={"color_message": "Started server process [\x1b[36m%d\x1b[0m]"})
    [line] = written()
    assert line["msg"] == "Started server process [42]" and "color_message" not in line


def test_a_libraries_warning_is_a_json_line_at_warning_level(written):
    warnings.warn("this API is going away", DeprecationWarning, stacklevel=1)
    [line] = written()
    assert line["level"] == "warning" and "this API is going away" in line["msg"]


@pytest.mark.parametrize("complaint", ["Group Coordinator Request failed: [Error 15] GroupCoordinatorNotAvailableError",
                                       "OffsetCommit failed for group events due to group error "
                                       "([Error 16] NotCoordinatorForGroupError), will rejoin"])
def test_a_kafka_group_still_forming_is_a_warning_not_an_error(written, complaint):
    logging.getLogger("aiokafka.consumer.group_coordinator").error(complaint)
    logging.getLogger("aiokafka.consumer.group_coordinator").error("Unexpected error in heartbeat routine")
    assert [line["level"] for line in written()] == ["warning", "error"]


def test_an_http_clients_line_for_each_call_it_makes_is_left_out_its_failures_kept(written):
    # httpx's INFO line is free text holding the URL called, people's ids in its query, and no correlation id.
    logging.getLogger("httpx").info('HTTP Request: GET http://profiles/v1/data-keys?person_id=c01d "HTTP/1.1 200 OK"')
    logging.getLogger("httpx").warning("a connection was dropped")
    assert [line["msg"] for line in written()] == ["a connection was dropped"]
