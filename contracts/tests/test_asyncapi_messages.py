"""The AsyncAPI documents say what a message carries beside its value: the headers, the key, the correlation id."""

import importlib.util
from pathlib import Path

import pytest
import yaml
from mentorship_contracts import BY_NAME
from mentorship_contracts.envelope import message_headers

ASYNCAPI = Path(__file__).resolve().parents[1] / "asyncapi"
DOCUMENTS = sorted(ASYNCAPI.glob("*.yaml"))


def _normaliser():
    spec = importlib.util.spec_from_file_location("normalise", ASYNCAPI / "normalise.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _messages(document: dict):
    """(channel, topic, message) for every message of every channel."""
    for name, channel in document["channels"].items():
        for reference in channel["messages"].values():
            message = document["components"]["messages"][reference["$ref"].removeprefix("#/components/messages/")]
            yield name, BY_NAME[channel["address"]], message


def test_there_is_a_document_per_service():
    assert [d.stem for d in DOCUMENTS] == ["events", "matching", "notifications", "profiles", "web"]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_every_message_states_the_headers_the_relay_sends_and_the_key_of_its_topic(path):
    document = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)  # libyaml: megabytes of YAML
    described = list(_messages(document))
    assert described
    for channel, topic, message in described:
        headers = message["headers"]
        assert headers["required"] == list(message_headers("id", "type")), channel
        assert set(headers["properties"]["event_type"]["enum"]) == {
            m.model_fields["event_type"].default for m in topic.events}, channel
        key = message["bindings"]["kafka"]["key"]
        assert key["type"] == "string" and key["format"] == "uuid" and f"The event's {topic.key}," in key["description"]
        assert message["correlationId"]["location"] == "$message.payload#/correlation_id", channel


def test_the_relays_headers_for_an_event_are_valid_under_the_documented_schema():
    topic = BY_NAME["matching.pairings"]
    headers = message_headers("0b5f5c1e-7f0a-4d38-9d43-0f6a3e1c2b7d", "matching.pairing_confirmed")
    schema = topic.headers_schema
    assert set(schema["required"]) == headers.keys()
    assert headers["event_type"] in schema["properties"]["event_type"]["enum"]
    assert headers["content-type"] == schema["properties"]["content-type"]["const"]


def test_a_channel_on_a_topic_the_catalogue_does_not_know_is_refused():
    document = {"channels": {"x:publish": {"address": "nobody.knows", "messages": {}}}}
    with pytest.raises(ValueError, match="nobody.knows"):
        _normaliser().normalise(document)
