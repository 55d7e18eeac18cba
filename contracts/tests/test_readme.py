"""The README's list of the versions produced now is the newest registered version of every event."""

import re
from pathlib import Path

from mentorship_contracts import envelope
from mentorship_contracts.topics import CATALOGUE, Classification

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_names_the_newest_version_of_every_event_as_the_one_produced_now():
    text = README.read_text()
    listed_part = text[text.index("**Produced now.**"):text.index("A test (`contracts/tests/test_readme.py`)")]
    listed: dict[str, int] = {}
    for line in re.findall(r"^- (\w+): (.*?)(?=^- |\Z)", listed_part, flags=re.M | re.S):
        service, body = line
        for name, versions in re.findall(r"`(\w+)` (v\d+(?: and v\d+)?)", body):
            listed[f"{service}.{name}"] = max(int(v) for v in re.findall(r"\d+", versions))
    newest: dict[str, int] = {}
    for event in envelope.registered_events():
        event_type = event.model_fields["event_type"].default
        version = event.model_fields["schema_version"].default
        newest[event_type] = max(newest.get(event_type, 0), version)
    newest = {t: v for t, v in newest.items() if not t.startswith("notifications.")}  # internal: nobody subscribes

    assert listed == newest


def test_the_readme_names_every_event_type_of_each_public_topic_in_that_topics_row():
    rows = dict(re.findall(r"^\| `([\w.-]+)` \| `\w+` \| (.*) \|$", README.read_text(), flags=re.M))
    for topic in CATALOGUE:
        if topic.classification != Classification.PUBLIC:
            continue
        named = set(re.findall(r"`(\w+)`", rows[topic.name]))
        carried = {model.model_fields["event_type"].default.split(".", 1)[1] for model in topic.events}
        assert named == carried, topic.name
