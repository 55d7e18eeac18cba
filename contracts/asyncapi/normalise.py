"""Finish an AsyncAPI document FastStream generated: what a message carries beside its value, in a stable order.

FastStream documents a message's payload only. From the topic catalogue (`mentorship_contracts`), each message
gains its Kafka headers (`message_headers`: event id, event type, content type), its key (the Kafka message
binding: the topic's key field, as text), and the location of its correlation id, which is the payload's
`correlation_id` (FastStream's default points at a header of its own); and, from the example in each event version's
JSON Schema, that version's message as the relay sends it, headers and value.

FastStream names one server, from the address the app was built with. The brokers are described instead as each
environment serves them: production (Kubernetes: SASL over TLS, at the cluster's own address) and development
(docker compose: SASL without TLS), each with SCRAM-SHA-512; every channel is on both.

FastStream emits some channels, operations and components in an order that follows object hashes (memory
addresses), so the same apps can yield differently ordered documents; sorted, the committed files are
reproducible.
"""

import copy
import json
import sys
from pathlib import Path

import yaml
from mentorship_contracts import BY_NAME
from mentorship_contracts.envelope import message_headers

SORTED_SECTIONS = (("channels",), ("operations",), ("components", "messages"), ("components", "schemas"))
KAFKA_BINDING_VERSION = "0.4.0"  # the version FastStream gives the channels' bindings
CORRELATION_ID = {
    "description": "Ties together the events one action caused, across services",
    "location": "$message.payload#/correlation_id",
}


SERVERS = {
    "production": {
        "host": "{bootstrap}",
        "protocol": "kafka-secure",
        "description": "SASL_SSL with SCRAM-SHA-512 (deploy/k8s/config.yaml); the operator gives you the address, a "
                       "principal and its password (its ACLs: the public topics, and consumer groups whose names begin with it)",
        "variables": {"bootstrap": {"description": "the cluster's bootstrap servers, host:port"}},
    },
    "development": {
        "host": "kafka:9092",
        "protocol": "kafka",
        "description": "SASL_PLAINTEXT with SCRAM-SHA-512 on docker compose's network (docker-compose.yml; "
                       "python -m devinfra up serves the same on 127.0.0.1:19092)",
    },
}


def describe_servers(document: dict) -> dict:
    """Both environments' brokers, each with the security scheme FastStream found, and every channel on both."""
    security = next(iter(document.get("servers", {}).values()), {}).get("security", [])
    document["servers"] = {name: {**server, "protocolVersion": "auto", "security": [dict(s) for s in security]}
                           for name, server in SERVERS.items()}
    for channel in document.get("channels", {}).values():
        channel["servers"] = [{"$ref": f"#/servers/{name}"} for name in SERVERS]
    return document


def describe_messages(document: dict) -> dict:
    """Give every message of every channel the headers and key of the channel's topic."""
    messages = document.get("components", {}).get("messages", {})
    topic_of_message: dict[str, str] = {}
    for name, channel in document.get("channels", {}).items():
        topic = BY_NAME.get(channel["address"])
        if topic is None:
            raise ValueError(f"channel {name}: {channel['address']} is not in the topic catalogue")
        for reference in channel.get("messages", {}).values():
            message = reference["$ref"].removeprefix("#/components/messages/")
            if topic_of_message.setdefault(message, topic.name) != topic.name:
                raise ValueError(f"message {message} travels on {topic_of_message[message]} and {topic.name}")
    for message, topic_name in topic_of_message.items():
        topic, described = BY_NAME[topic_name], messages[message]
        described["payload"] = of_the_topic(document, described["payload"], topic.headers_schema)
        messages[message] = {
            "title": described["title"],
            "correlationId": CORRELATION_ID,
            "headers": topic.headers_schema,
            "payload": described["payload"],
            "bindings": {"kafka": {"key": topic.key_schema, "bindingVersion": KAFKA_BINDING_VERSION}},
            **{k: v for k, v in described.items() if k not in ("title", "correlationId", "headers", "payload", "bindings")},
        }
        if examples := examples_of(document, described["payload"], topic.headers_schema):
            messages[message]["examples"] = examples
    for channel in document.get("channels", {}).values():
        channel_said_of_its_topic(document, channel)
    drop_unreferenced_unions(document)
    return document


def _event_type(schema: dict) -> str | None:
    return schema.get("properties", {}).get("event_type", {}).get("const")


def of_the_topic(document: dict, payload: dict, headers: dict) -> dict:
    """A consumer's payload lists every event its one handler reads, from several topics: each channel's message is
    given those of its own topic only (a reader would otherwise take a restricted topic's events for a public one's)."""
    schemas = document["components"]["schemas"]
    union = schemas.get(payload.get("$ref", "").removeprefix("#/components/schemas/"), {})
    if "anyOf" not in union:
        return payload
    travelling = headers["properties"]["event_type"]["enum"]
    kept = [v for v in union["anyOf"]
            if _event_type(schemas[v["$ref"].removeprefix("#/components/schemas/")]) in travelling]
    if kept == union["anyOf"]:
        return payload
    return kept[0] if len(kept) == 1 else {"anyOf": kept}


def channel_said_of_its_topic(document: dict, channel: dict) -> None:
    """A consume channel's description ("Applies A, B through the inbox", of the whole handler) names its own
    topic's events only, as its message does."""
    said = channel.get("description", "")
    if not (said.startswith("Applies ") and said.endswith(" through the inbox")):
        return
    messages, schemas = document["components"]["messages"], document["components"]["schemas"]
    payloads = [messages[r["$ref"].removeprefix("#/components/messages/")]["payload"]
                for r in channel.get("messages", {}).values()]
    unions = [schemas.get(p.get("$ref", "").removeprefix("#/components/schemas/"), p) for p in payloads]
    names = sorted({v["$ref"].removeprefix("#/components/schemas/")
                    for payload, union in zip(payloads, unions, strict=True) for v in union.get("anyOf", [payload])})
    channel["description"] = f"Applies {', '.join(names)} through the inbox"


def drop_unreferenced_unions(document: dict) -> None:
    """The handlers' whole unions, which no message refers to any more."""
    schemas = document.get("components", {}).get("schemas", {})
    text = json.dumps({k: v for k, v in document.items() if k != "components"}) + json.dumps(
        document["components"].get("messages", {}))
    for name in [n for n, schema in schemas.items() if "anyOf" in schema and f'"#/components/schemas/{n}"' not in text]:
        del schemas[name]


def examples_of(document: dict, payload: dict, headers: dict) -> list[dict]:
    """The message as the relay sends it, for each event version its payload may be that shows an example (in its
    JSON Schema) and travels on the topic (`headers` name its event types: a consumer's payload may list the events of
    several topics it reads with one handler): the headers, and the value."""
    schemas = document["components"]["schemas"]
    resolved = schemas[payload["$ref"].removeprefix("#/components/schemas/")] if "$ref" in payload else payload
    versions = [schemas[v["$ref"].removeprefix("#/components/schemas/")] for v in resolved.get("anyOf", [payload])]
    return [{"name": f"{value['event_type']} v{value['schema_version']}",
             "headers": message_headers(value["event_id"], value["event_type"]),
             "payload": copy.deepcopy(value)}  # a copy: the same object twice would be dumped as a YAML alias
            for version in versions for value in version.get("examples", [])
            if value["event_type"] in headers["properties"]["event_type"]["enum"]]


def normalise(document: dict) -> dict:
    for path in SORTED_SECTIONS:
        parent = document
        for key in path[:-1]:
            parent = parent.get(key, {})
        if path[-1] in parent:
            parent[path[-1]] = dict(sorted(parent[path[-1]].items()))
    return describe_messages(describe_servers(document))


if __name__ == "__main__":
    # FastStream's JSON (quicker to write and read than its YAML), each written as the YAML document beside it, with
    # libyaml's emitter: the same data as PyYAML's own emitter writes, folded its own way, in a tenth of the time.
    for filename in map(Path, sys.argv[1:]):
        document = normalise(json.loads(filename.read_text()))
        with open(filename.with_suffix(".yaml"), "w") as target:
            yaml.dump(document, target, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)
        filename.unlink()
