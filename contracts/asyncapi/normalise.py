"""Sort an AsyncAPI document's channels, operations and components by name.

FastStream emits some of them in an order that follows object hashes (memory addresses), so the same
apps can yield differently ordered documents; sorted, the committed files are reproducible.
"""

import sys

import yaml

SORTED_SECTIONS = (("channels",), ("operations",), ("components", "messages"), ("components", "schemas"))


def normalise(document: dict) -> dict:
    for path in SORTED_SECTIONS:
        parent = document
        for key in path[:-1]:
            parent = parent.get(key, {})
        if path[-1] in parent:
            parent[path[-1]] = dict(sorted(parent[path[-1]].items()))
    return document


if __name__ == "__main__":
    for filename in sys.argv[1:]:
        with open(filename) as source:
            document = normalise(yaml.safe_load(source))
        with open(filename, "w") as target:
            yaml.safe_dump(document, target, sort_keys=False, allow_unicode=True, width=100)
