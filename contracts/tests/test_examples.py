"""A subscriber can read every public event from the contracts alone: each field says what it means (of every event,
public or not), and each version shows an example, which is valid under its own schema (committed, and in the AsyncAPI
documents) and decodes."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from mentorship_contracts import Classification, decode, registered_events, schemas
from mentorship_contracts.envelope import message_headers
from mentorship_contracts.topics import BY_NAME

PUBLIC_EVENTS = [m for m in registered_events() if BY_NAME[m.topic].classification is Classification.PUBLIC]
EXAMPLED_EVENTS = [m for m in registered_events() if "examples" in schemas.schema_of(m)]
ASYNCAPI = Path(__file__).resolve().parents[1] / "asyncapi"


def _name(model) -> str:
    return f"{model.model_fields['event_type'].default}/v{model.model_fields['schema_version'].default}"


def _committed(model) -> dict:
    """The newest committed revision of the model's version."""
    first = schemas.SCHEMAS_DIR / model.model_fields["event_type"].default / \
        f"v{model.model_fields['schema_version'].default}.json"
    return json.loads(schemas._revisions(first)[-1].read_text())


def _valid(example: dict, schema: dict) -> None:
    jsonschema.validate(example, schema, cls=jsonschema.Draft202012Validator,
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("model", registered_events(), ids=_name)
def test_every_field_of_every_event_says_what_it_means(model):
    schema = schemas.schema_of(model)
    objects = {"": schema, **{f"{name}.": d for name, d in schema.get("$defs", {}).items() if "properties" in d}}
    assert [f"{at}{name}" for at, o in objects.items() for name, field in o["properties"].items()
            if not field.get("description")] == []


@pytest.mark.parametrize("model", PUBLIC_EVENTS, ids=_name)
def test_every_public_event_version_shows_one_example(model):
    assert len(schemas.schema_of(model).get("examples", [])) == 1


@pytest.mark.parametrize("model", EXAMPLED_EVENTS, ids=_name)
def test_an_example_names_every_field_is_valid_under_its_schema_and_decodes_into_its_version(model):
    schema = schemas.schema_of(model)
    for example in schema["examples"]:
        assert set(example) == set(schema["properties"])
        _valid(example, schema)
        decoded = decode(json.dumps(example))
        assert type(decoded) is model
        assert json.loads(decoded.to_json()) == example


@pytest.mark.parametrize("model", EXAMPLED_EVENTS, ids=_name)
def test_the_committed_schema_holds_the_same_example_and_it_is_valid_there(model):
    committed = _committed(model)
    assert committed.get("examples") == schemas.schema_of(model)["examples"], "run `python -m mentorship_contracts export`"
    for example in committed["examples"]:
        _valid(example, committed)


def _examples_of_payload(document: dict, message: dict) -> list[dict]:
    """The examples of the event versions a message's payload may be and its topic carries, in the order it lists
    them (a consumer's payload may list events of other topics too)."""
    on_topic = message["headers"]["properties"]["event_type"]["enum"]
    return [e for version in _versions(document, message["payload"]) for e in version.get("examples", [])
            if e["event_type"] in on_topic]


def _versions(document: dict, payload: dict) -> list[dict]:
    """The event versions' schemas a message's payload may be: one, or any of a union (inline or referred to)."""
    found = document["components"]["schemas"]
    resolved = found[payload["$ref"].removeprefix("#/components/schemas/")] if "$ref" in payload else payload
    return [found[v["$ref"].removeprefix("#/components/schemas/")] for v in resolved.get("anyOf", [payload])]


@pytest.mark.parametrize("path", sorted(ASYNCAPI.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_channel_lists_only_the_events_its_topic_carries(path):
    # A consumer's one handler reads several topics: listing its every event on each channel had a restricted
    # topic's events (ConsentChanged...) read as travelling on a public one (profiles.programs).
    document = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
    messages = document["components"]["messages"]
    for name, channel in document["channels"].items():
        carried = set(BY_NAME[channel["address"]].headers_schema["properties"]["event_type"]["enum"])
        for reference in channel["messages"].values():
            payload = messages[reference["$ref"].removeprefix("#/components/messages/")]["payload"]
            listed = {v["properties"]["event_type"]["const"] for v in _versions(document, payload)}
            assert listed <= carried, f"{name} lists {sorted(listed - carried)}"


@pytest.mark.parametrize("path", sorted(ASYNCAPI.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_asyncapi_message_shows_the_examples_of_its_versions_with_the_headers_sent(path):
    document = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)  # libyaml: megabytes of YAML
    for name, message in document.get("components", {}).get("messages", {}).items():
        examples = message.get("examples", [])
        assert [e["payload"] for e in examples] == _examples_of_payload(document, message), name
        for example in examples:
            value = example["payload"]
            assert example["name"] == f"{value['event_type']} v{value['schema_version']}"
            assert example["headers"] == message_headers(value["event_id"], value["event_type"]), name
            _valid(example["headers"], message["headers"])


def test_the_asyncapi_documents_show_an_example_of_every_public_event_version():
    shown = {(e["payload"]["event_type"], e["payload"]["schema_version"])
             for path in ASYNCAPI.glob("*.yaml")
             for message in yaml.load(path.read_text(), Loader=yaml.CSafeLoader).get("components", {})
             .get("messages", {}).values()
             for e in message.get("examples", [])}
    public = {(m.model_fields["event_type"].default, m.model_fields["schema_version"].default) for m in PUBLIC_EVENTS}
    assert public - shown == set()
