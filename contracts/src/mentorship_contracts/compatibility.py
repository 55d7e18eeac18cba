"""Confluent Schema Registry's JSON Schema compatibility rules, for the schemas pydantic emits.

`check_backward(reader, writer)` asks Confluent's question: can a consumer holding `reader` read
every document valid under `writer`? It follows Confluent's `SchemaDiff.compare(original=writer,
update=reader)` (confluentinc/schema-registry, json-schema-provider, package `json.diff`), which
lists every difference and fails on those outside `SchemaDiff.COMPATIBLE_CHANGES`. Only the failing
differences are reported, under Confluent's `Difference.Type` names (8.x spelling), so that our CI
and a registry name a break alike. Forward is backward with the roles swapped; FULL_TRANSITIVE is
both, against every previous version.

What adding or removing a property means depends on the object's content model (Confluent's STRICT
policy, its default):
- open (no `additionalProperties`: pydantic's `extra="ignore"`): the writer may already send any
  value under any name. A reader may drop a property, but not declare one the writer lacks, even
  an optional one (`..._ADDED_TO_OPEN_CONTENT_MODEL`), unless it accepts anything (`Any`). Under
  FULL, the property set of an open model is therefore frozen.
- closed (`additionalProperties: false`: `extra="forbid"`): a reader may add optional properties,
  but not drop one the writer sends.
- partially open (`additionalProperties: {schema}`: `extra="allow"` with a typed
  `__pydantic_extra__`): a property may come and go when that schema covers it.

Where this module departs from Confluent, it is stricter, or names a break differently:
- `format` is compared (FORMAT_ADDED, FORMAT_CHANGED; Confluent ignores it): `str` -> `UUID`
  breaks a pydantic reader.
- a required property without default added to an open model breaks even when it accepts anything.
- `const` is a one-value `enum`; `prefixItems` (tuples) are compared position by position, a
  position one side lacks being judged by that side's `items`.
- when no alternative of a union matches, the problems of the closest one of the writer's type
  (`Inner` in `Inner | None`) are reported instead of a bare COMBINED_TYPE_SUBSCHEMAS_CHANGED.
Keywords this module does not model raise ValueError rather than pass unnoticed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

_COMBINATORS = ("anyOf", "oneOf", "allOf")
# They change what a schema accepts and are not modelled here; pydantic emits none of them.
_UNSUPPORTED = frozenset({
    "not", "if", "then", "else", "patternProperties", "dependencies", "dependentRequired", "dependentSchemas",
    "unevaluatedProperties", "unevaluatedItems", "additionalItems", "contains", "propertyNames", "$dynamicRef",
})  # fmt: skip
# A reader accepts what a writer sends when its upper bounds are no lower and its lower bounds no higher.
_UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
_LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
_CAMEL_HUMP = re.compile(r"(?<!^)(?=[A-Z])")


@dataclass(frozen=True)
class Incompatibility:
    path: str  # where in the document, e.g. "#/properties/score"
    kind: str  # Confluent's Difference.Type name, e.g. "TYPE_NARROWED"
    direction: str  # "backward": the new schema reads old data; "forward": an old schema reads new data
    detail: str

    def __str__(self) -> str:
        return f"{self.direction} {self.path} {self.kind}: {self.detail}"


def check_backward(reader: dict, writer: dict) -> list[Incompatibility]:
    """Why a consumer using `reader` cannot read data written under `writer`; empty if it can."""
    return _compare(reader=reader, writer=writer, direction="backward")


def check_full_transitive(new: dict, previous: Sequence[dict]) -> list[Incompatibility]:
    """Why `new` is not FULL compatible with every schema of `previous`; empty if it is."""
    found = []
    for index, old in enumerate(previous):
        for problem in _compare(reader=new, writer=old, direction="backward"):
            found.append(replace(problem, detail=f"{problem.detail} (new schema reading previous[{index}]'s data)"))
        for problem in _compare(reader=old, writer=new, direction="forward"):
            found.append(replace(problem, detail=f"{problem.detail} (previous[{index}] reading the new schema's data)"))
    return found


def _compare(reader: dict, writer: dict, direction: str) -> list[Incompatibility]:
    comparison = _Comparison(writer_root=writer, reader_root=reader, direction=direction)
    comparison.compare("#", writer, reader)
    return comparison.found


class _Comparison:
    def __init__(self, writer_root: dict, reader_root: dict, direction: str, in_progress: set | None = None):
        self.writer_root, self.reader_root, self.direction = writer_root, reader_root, direction
        self.found: list[Incompatibility] = []
        # Pairs being compared further up the stack. A recursive model meets itself again; like
        # Confluent we take the repeat as compatible, its differences being reported the first time.
        self.in_progress = set() if in_progress is None else in_progress

    def report(self, path: str, kind: str, detail: str) -> None:
        self.found.append(Incompatibility(path, kind, self.direction, detail))

    def trial(self, path: str, writer: Any, reader: Any) -> list[Incompatibility]:
        """Compare without reporting: unions and partially open models try several candidates."""
        sub = _Comparison(self.writer_root, self.reader_root, self.direction, self.in_progress)
        sub.compare(path, writer, reader)
        return sub.found

    def compare(self, path: str, writer: Any, reader: Any) -> None:
        writer, reader = _resolve(writer, self.writer_root), _resolve(reader, self.reader_root)
        for schema in (writer, reader):
            if schema is not False and (unsupported := _UNSUPPORTED & schema.keys()):
                raise ValueError(f"{path}: the check does not support {', '.join(sorted(unsupported))}")
        key = (id(writer), id(reader))
        if key in self.in_progress:
            return
        self.in_progress.add(key)
        try:
            self._compare_resolved(path, writer, reader)
        finally:
            self.in_progress.discard(key)

    def _compare_resolved(self, path: str, w: Any, r: Any) -> None:
        w_kind, r_kind = _kind(w), _kind(r)
        if r_kind == "combined":
            return self._compare_alternatives(path, w, r)
        if w_kind != r_kind:
            # A reader that accepts anything, or a writer that sends nothing, is fine (Confluent too).
            if w_kind != "never" and r_kind != "any":
                detail = f"the writer may send {_describe(w)} but the reader expects {_describe(r)}"
                self.report(path, "TYPE_CHANGED", detail)
            return
        if w_kind in ("object", "array", "string", "number"):
            self._compare_bounds(path, w, r)
        compare_kind = {
            "object": self._compare_objects,
            "array": self._compare_arrays,
            "string": self._compare_strings,
            "number": self._compare_numbers,
            "enum": self._compare_enums,
        }.get(w_kind)
        if compare_kind:
            compare_kind(path, w, r)

    def _compare_alternatives(self, path: str, w: Any, r: dict) -> None:
        """Each alternative of the writer needs a compatible alternative of the reader, its own.

        A writer of one type counts as a union of one: that is how Confluent lets a reader add
        alternatives (SUM_TYPE_EXTENDED), e.g. make a field nullable.
        """
        w_comb, r_comb = _combinator(w), _combinator(r)
        # oneOf/allOf -> anyOf only loosens; the other switches change what is accepted.
        if w_comb and w_comb != r_comb and r_comb != "anyOf":
            detail = f"the writer combines its alternatives with {w_comb} but the reader with {r_comb}"
            return self.report(path, "COMBINED_TYPE_CHANGED", detail)
        w_alts, r_alts = _unique(w[w_comb]) if w_comb else [w], _unique(r[r_comb])
        if r_comb == "allOf" and len(r_alts) > len(w_alts):
            self.report(path, "PRODUCT_TYPE_EXTENDED", "the reader's allOf adds constraints the writer need not meet")
        elif r_comb != "allOf" and len(r_alts) < len(w_alts):
            detail = f"the reader's {r_comb} has {len(r_alts)} alternatives, fewer than the writer's {len(w_alts)}"
            self.report(path, "SUM_TYPE_NARROWED", detail)
        where = [f"{path}/{w_comb}/{i}" if w_comb else path for i in range(len(w_alts))]
        trials = {(i, j): self.trial(where[i], wa, ra) for i, wa in enumerate(w_alts) for j, ra in enumerate(r_alts)}
        matching = _max_matching({i: [j for j in range(len(r_alts)) if not trials[i, j]] for i in range(len(w_alts))})
        # Like Confluent: the matching must cover the smaller side.
        if len(matching) >= min(len(w_alts), len(r_alts)):
            return
        r_kinds = [_kind(_resolve(ra, self.reader_root)) for ra in r_alts]
        for i, wa in enumerate(w_alts):
            if i in matching:
                continue
            # The closest alternative of the writer's type (`Inner` in `Inner | None`) says more.
            w_kind = _kind(_resolve(wa, self.writer_root))
            closest = sorted((trials[i, j] for j, k in enumerate(r_kinds) if k == w_kind and trials[i, j]), key=len)
            if closest and (len(closest) == 1 or len(closest[0]) < len(closest[1])):
                self.found.extend(closest[0])
            else:
                kind = "COMBINED_TYPE_SUBSCHEMAS_CHANGED" if w_comb else "TYPE_CHANGED"
                detail = f"the writer may send {_describe(wa)}, which none of {_describe(r)} accepts"
                self.report(where[i], kind, detail)

    def _compare_objects(self, path: str, w: dict, r: dict) -> None:
        w_props, r_props = w.get("properties", {}), r.get("properties", {})
        w_required, r_required = set(w.get("required", ())), set(r.get("required", ()))
        w_extra, r_extra = _extra(w), _extra(r)
        for name in [*w_props, *(name for name in r_props if name not in w_props)]:
            at = f"{path}/properties/{name}"
            if name in w_props and name in r_props:
                if name in r_required - w_required and not _has_default(r_props[name]):
                    detail = f"the reader requires '{name}' and has no default for it, but the writer may leave it out"
                    self.report(at, "REQUIRED_ATTRIBUTE_ADDED", detail)
                self.compare(at, w_props[name], r_props[name])
            elif name in w_props:
                self._property_only_in_writer(at, name, w_props[name], r_extra)
            else:
                self._property_only_in_reader(at, name, r_props[name], w_extra, name in r_required)
        at = f"{path}/additionalProperties"
        if r_extra is False and w_extra is not False:
            detail = "the reader forbids undeclared properties (additionalProperties: false), which the writer allows"
            self.report(at, "ADDITIONAL_PROPERTIES_REMOVED", detail)
        elif w_extra is None and isinstance(r_extra, dict):
            detail = "the reader constrains undeclared properties with a schema, which the writer leaves free"
            self.report(at, "ADDITIONAL_PROPERTIES_NARROWED", detail)
        elif isinstance(w_extra, dict) and isinstance(r_extra, dict):
            self.compare(at, w_extra, r_extra)

    def _property_only_in_writer(self, at: str, name: str, schema: Any, r_extra: Any) -> None:
        if r_extra is None:
            return  # PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: the reader ignores it
        if r_extra is False:
            if schema is not False:
                detail = f"the writer may send '{name}', which the reader's closed content model rejects"
                self.report(at, "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", detail)
        elif problems := self.trial(at, schema, r_extra):
            detail = f"the writer may send '{name}' with values the reader's additionalProperties reject"
            self.report(at, "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", detail)
            self.found.extend(problems)

    def _property_only_in_reader(self, at: str, name: str, schema: Any, w_extra: Any, required: bool) -> None:
        must_be_sent = required and not _has_default(schema)
        if w_extra is None:
            if must_be_sent or _kind(_resolve(schema, self.reader_root)) != "any":
                kind = "OPTIONAL_PROPERTY"
                if required:
                    kind = "REQUIRED_PROPERTY_WITH_DEFAULT" if _has_default(schema) else "REQUIRED_PROPERTY"
                detail = (
                    f"the reader declares '{name}', the writer does not, and the writer's open content model "
                    f"(no additionalProperties: false) lets it send '{name}' with any value"
                )
                self.report(at, f"{kind}_ADDED_TO_OPEN_CONTENT_MODEL", detail + (" or none" if must_be_sent else ""))
            return
        if w_extra is not False and (problems := self.trial(at, w_extra, schema)):
            detail = f"the writer's additionalProperties allow values for '{name}' that the reader's '{name}' rejects"
            self.report(at, "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", detail)
            self.found.extend(problems)
        if must_be_sent:
            detail = f"the reader requires '{name}' and has no default for it, but the writer never sends it"
            self.report(at, "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", detail)

    def _compare_arrays(self, path: str, w: dict, r: dict) -> None:
        w_items, r_items = w.get("items", True), r.get("items", True)
        self.compare(f"{path}/items", w_items, r_items)
        w_tuple, r_tuple = w.get("prefixItems", []), r.get("prefixItems", [])
        for i in range(max(len(w_tuple), len(r_tuple))):
            written = w_tuple[i] if i < len(w_tuple) else w_items
            read = r_tuple[i] if i < len(r_tuple) else r_items
            self.compare(f"{path}/prefixItems/{i}", written, read)
        if r.get("uniqueItems") and not w.get("uniqueItems"):
            detail = "the reader requires unique items but the writer's arrays may repeat one"
            self.report(f"{path}/uniqueItems", "UNIQUE_ITEMS_ADDED", detail)

    def _compare_strings(self, path: str, w: dict, r: dict) -> None:
        for keyword in ("pattern", "format"):
            written, read = w.get(keyword), r.get(keyword)
            if read is not None and read != written:
                change = "ADDED" if written is None else "CHANGED"
                was = "none" if written is None else repr(written)
                detail = f"the reader requires the {keyword} {read!r} but the writer's strings have {was}"
                self.report(f"{path}/{keyword}", f"{keyword.upper()}_{change}", detail)

    def _compare_numbers(self, path: str, w: dict, r: dict) -> None:
        if w.get("type") == "number" and r.get("type") == "integer":
            self.report(path, "TYPE_NARROWED", "the writer may send any number but the reader accepts only integers")
        written, read = w.get("multipleOf"), r.get("multipleOf")
        # Compatible when each multiple of the writer's step is a multiple of the reader's.
        if read is not None and (written is None or Decimal(str(written)) % Decimal(str(read)) != 0):
            if written is None:
                kind = "ADDED"
            else:
                kind = "EXPANDED" if Decimal(str(read)) % Decimal(str(written)) == 0 else "CHANGED"
            detail = f"the reader requires multiples of {read}, which the writer's values need not be"
            self.report(f"{path}/multipleOf", f"MULTIPLE_OF_{kind}", detail)

    def _compare_enums(self, path: str, w: dict, r: dict) -> None:
        written, read = _enum_values(w), _enum_values(r)
        if missing := [value for key, value in written.items() if key not in read]:
            kind = "ENUM_ARRAY_NARROWED" if read.keys() < written.keys() else "ENUM_ARRAY_CHANGED"
            values = ", ".join(json.dumps(value) for value in missing)
            detail = f"the writer may send {values}, which the reader does not allow"
            self.report(f"{path}/{'enum' if 'enum' in r else 'const'}", kind, detail)

    def _compare_bounds(self, path: str, w: dict, r: dict) -> None:
        for keyword in (*_UPPER_BOUNDS, *_LOWER_BOUNDS):
            written, read = w.get(keyword), r.get(keyword)
            if read is None or read == written:
                continue
            upper = keyword in _UPPER_BOUNDS
            if written is None:
                change = "ADDED"
            elif read < written if upper else read > written:
                change = "DECREASED" if upper else "INCREASED"
            else:
                continue  # loosened: the reader accepts more than the writer sends
            was = "unset" if written is None else written
            detail = f"the reader's {keyword} is {read} but the writer's is {was}: the writer may send what it rejects"
            self.report(f"{path}/{keyword}", f"{_CAMEL_HUMP.sub('_', keyword).upper()}_{change}", detail)


def _resolve(schema: Any, root: dict) -> Any:
    """Follow `$ref`s, unwrap one-alternative combinators, spell a `type` list as `anyOf`: a dict or False."""
    while True:
        if isinstance(schema, bool):
            return {} if schema else False
        if "$ref" in schema:
            # Siblings of a $ref (pydantic puts a description there) are annotations.
            schema = _pointer(root, schema["$ref"])
        elif single := next((schema[c] for c in _COMBINATORS if len(schema.get(c, ())) == 1), None):
            # Confluent too compares a union of one as its one alternative.
            schema = single[0]
        elif isinstance(schema.get("type"), list):
            rest = {key: value for key, value in schema.items() if key != "type"}
            schema = {"anyOf": [{**rest, "type": name} for name in schema["type"]]}
        else:
            return schema


def _pointer(root: dict, ref: str) -> Any:
    if not ref.startswith("#"):
        raise ValueError(f"the compatibility check resolves only local $refs, not {ref!r}")
    target = root
    for token in ref[2:].split("/") if len(ref) > 1 else []:
        target = target[token.replace("~1", "/").replace("~0", "~")]
    return target


def _kind(schema: Any) -> str:
    """The class of schema (everit's, in Confluent) that is compared like with like."""
    if schema is False:
        return "never"
    if _combinator(schema):
        return "combined"
    if "enum" in schema or "const" in schema:
        return "enum"
    if declared := schema.get("type"):
        return "number" if declared == "integer" else declared
    if schema.keys() & {"properties", "required", "additionalProperties"}:
        return "object"
    if schema.keys() & {"items", "prefixItems"}:
        return "array"
    return "any"


def _combinator(schema: Any) -> str | None:
    return next((c for c in _COMBINATORS if c in schema), None) if isinstance(schema, dict) else None


def _describe(schema: Any) -> str:
    """A short name for what a schema admits, for the detail sentences."""
    if isinstance(schema, bool):
        return "anything" if schema else "nothing"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if combinator := _combinator(schema):
        return (" & " if combinator == "allOf" else " | ").join(_describe(alt) for alt in schema[combinator])
    kind = _kind(schema)
    if kind == "any":
        return "anything"
    if kind == "enum":
        return "one of " + ", ".join(json.dumps(value) for value in _enum_values(schema).values())
    if kind == "array":
        return f"an array of {_describe(schema.get('items', True))}"
    if kind == "object":
        return schema.get("title", "an object")
    return f"{schema['type']} ({schema['format']})" if "format" in schema else schema["type"]


def _extra(schema: dict) -> Any:
    """The content model: None when open, False when closed, else the schema undeclared properties meet."""
    extra = schema.get("additionalProperties", True)
    return None if extra is True or extra == {} else extra


def _has_default(schema: Any) -> bool:
    return isinstance(schema, dict) and "default" in schema


def _enum_values(schema: dict) -> dict[str, Any]:
    values = schema["enum"] if "enum" in schema else [schema["const"]]
    # Keyed by canonical JSON, as Python's 1 == True would merge values JSON keeps apart.
    return {json.dumps(value, sort_keys=True): value for value in values}


def _unique(schemas: list) -> list:
    # Confluent collapses duplicate alternatives before counting them.
    return list({json.dumps(schema, sort_keys=True): schema for schema in schemas}.values())


def _max_matching(edges: dict[int, list[int]]) -> dict[int, int]:
    """A maximum matching of writer to reader alternatives along compatible pairs (augmenting paths)."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in edges:
        augment(i, set())
    return {i: j for j, i in owner.items()}
