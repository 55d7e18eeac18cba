"""The four services as the console calls them (CONSOLE-SPEC.md), in memory behind an httpx transport: the console
is tested through its real client, tokens and paths. Like the services, the fakes answer a coordinator only about
their chapters (404 for another chapter's thing), refuse what the services refuse (a list a coordinator of several
chapters does not narrow to one, a person's pairings to staff), check a program's body as profiles does (its fields,
bounds and rules; test_console_programs holds it to profiles' own models), page lists as they do, and record every call
with the token's claims."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, get_args
from urllib.parse import parse_qs
from uuid import UUID, uuid4

import httpx
import jwt
from fastapi import FastAPI, Request
from mentorship_contracts.profiles import PairingMode, ProgramFormat
from mentorship_contracts.vocabulary import PairingKind, TrainingStage
from plumbing.auth import SigningKeys
from web.adapters.rendering import negotiate
from web.adapters.service_tokens import ServiceTokens
from web.adapters.services import HttpxHttp
from web.console import routers
from web.console.api import ConsoleApi
from web.domain.sign_in import Session, SignInLink
from web.entrypoints.web import Visit, visit

KEYS = SigningKeys.generate()
URLS = {name: f"http://{name}.test" for name in ("profiles", "matching", "events", "notifications")}
CSRF = "the-page-csrf-token"
ROUND = "9a7e0c4e-2b51-4c8e-9d55-3f1f4b0c0a01"
FAR = "9a7e0c4e-2b51-4c8e-9d55-3f1f4b0c0a02"
E9 = "9a7e0c4e-2b51-4c8e-9d55-3f1f4b0c0a09"
WITHDRAW_REASONS = ("not_a_good_fit", "schedule_conflict", "no_longer_available", "other")  # matching's WithdrawReason


def ident() -> str:
    return str(uuid4())


def forbidden(message: str) -> httpx.Response:
    return httpx.Response(403, json={"error": {"code": "forbidden", "message": message}})


def refusal(status: int, code: str, field_name: str | None, message: str = "",
            every_field: list[str] | None = None) -> httpx.Response:
    """A service's error body; `every_field`: each field pydantic found at fault (the first is `field_name`)."""
    error: dict[str, Any] = {"code": code, "message": message or code}
    if field_name:
        error["field"] = field_name
    if every_field:
        error["errors"] = [{"field": name, "message": code} for name in every_field]
    return httpx.Response(status, json={"error": error})


# --- a program's body, as profiles' ProgramIn and ProgramChange take it (entrypoints/http.py) and as its Program
# checks it (domain/model.py) --------------------------------------------------------------------------------------

STAGES = frozenset(s.value for s in TrainingStage)
KINDS = frozenset(k.value for k in PairingKind)
# Each field in ProgramIn's order (pydantic reports the fields at fault in that order, extra fields last): its
# kind, whether null is taken, its bounds (numbers) and its default (None: required).
PROGRAM_FIELDS: dict[str, tuple[str, bool, tuple[int, int] | frozenset | None, Any]] = {
    "name": ("text", False, (1, 200), None),
    "chapter_id": ("uuid", True, None, ("default", None)),
    "mentee_stages": ("list", False, STAGES, None),
    "mentor_stages": ("list", False, STAGES, None),
    "term_months": ("int", False, (1, 60), ("default", 12)),
    "cadence_min_days": ("int", False, (1, 365), ("default", 30)),
    "cadence_max_days": ("int", False, (1, 365), ("default", 60)),
    "format": ("choice", False, frozenset(get_args(ProgramFormat)), ("default", "one_to_one")),
    "group_size": ("int", True, (2, 50), ("default", None)),
    "pairing_mode": ("choice", False, frozenset(get_args(PairingMode)), ("default", "on_registration")),
    "both_must_accept": ("bool", False, None, ("default", False)),
    "pair_cap": ("int", True, (1, 100_000), ("default", None)),
    "mentor_approval_required": ("bool", False, None, ("default", False)),
    "minimum_score": ("int", False, (0, 100), ("default", 0)),
    "pairing_kinds": ("list", False, KINDS, ("default", ["general"])),
    "answer_within_days": ("int", True, (1, 365), ("default", None)),
    "members_public": ("bool", False, None, ("default", False)),
}
PROGRAM_DEFAULTS = {name: spec[3][1] for name, spec in PROGRAM_FIELDS.items() if spec[3] is not None}


def _field_fault(name: str, value: Any) -> str | None:
    """Where pydantic (lax, from JSON) finds `value` of the field `name` at fault: the field, an item of it, or
    None when it is taken."""
    kind, nullable, bounds, _ = PROGRAM_FIELDS[name]
    if value is None:
        return None if nullable else name
    if kind == "text":
        low, high = bounds
        ok = isinstance(value, str) and low <= len(value) <= high and not any(ord(ch) < 32 for ch in value)
        return None if ok else name
    if kind == "uuid":
        try:
            UUID(str(value))
        except ValueError:
            return name
        return None if isinstance(value, str) else name
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int | str):
            return name
        try:
            number = int(value)
        except ValueError:
            return name
        low, high = bounds
        return None if low <= number <= high else name
    if kind == "bool":
        return None if isinstance(value, bool) else name
    if kind == "choice":
        return None if value in bounds else name
    if not isinstance(value, list):
        return name
    for i, item in enumerate(value):
        if item not in bounds:
            return f"{name}.{i}"
    return None if value else name  # min_length=1, checked after the items


def program_body_faults(body: Any, change: bool) -> list[str]:
    """Every field profiles names when it refuses this body with `invalid_request` (422), in pydantic's order (the
    fields in ProgramIn's, extra fields last); none when it takes it. `change`: a PATCH body (ProgramChange: any
    field may be left out, chapter_id is not one, null still refused where not taken)."""
    if not isinstance(body, dict):
        return ["body"]
    fields = [n for n in PROGRAM_FIELDS if not (change and n == "chapter_id")]
    faults = []
    for name in fields:
        if name not in body:
            if not change and PROGRAM_FIELDS[name][3] is None:
                faults.append(name)
            continue
        if fault := _field_fault(name, body[name]):
            faults.append(fault)
    return faults + [name for name in body if name not in fields]


def program_rule_fault(program: dict) -> str | None:
    """The field Program._check names (422 `invalid`), or None."""
    if program["cadence_min_days"] > program["cadence_max_days"]:
        return "cadence_max_days"
    if (program["format"] == "group") == (program["group_size"] is None):
        return "group_size"
    kinds = program["pairing_kinds"]
    if not kinds or len(set(kinds)) != len(kinds):
        return "pairing_kinds"
    return None


def typed(body: dict) -> dict:
    """The body as profiles holds it once validated (numbers sent as text made numbers)."""
    return {k: int(v) if PROGRAM_FIELDS[k][0] == "int" and v is not None else v for k, v in body.items()}


@dataclass
class Call:
    service: str
    method: str
    path: str
    params: dict[str, str]
    body: Any
    claims: dict[str, Any]


def published(rows: list[str], columns: list[str], cells: list[list[tuple[int | None, str]]],
              row_totals: bool = False, column_totals: bool = True) -> dict:
    """A table as `plumbing.disclosure.Published` serialises it (cells given as (value, shown)): the services'
    reports have row totals only where their columns add up (meetings per pairing), and trends no totals at all."""
    def cell(c):
        return {"value": c[0], "shown": c[1]}
    return {"rows": rows, "columns": columns, "cells": [[cell(c) for c in row] for row in cells],
            "row_totals": [cell((None, "withheld")) for _ in rows] if row_totals else None,
            "column_totals": [cell((None, "withheld")) for _ in columns] if column_totals else None,
            "total": cell((40, "exact")) if row_totals else None, "threshold": 5}


@dataclass
class Services:
    chapter: str = field(default_factory=ident)
    other_chapter: str = field(default_factory=ident)
    chapter_timezone: str = "America/Chicago"
    calls: list[Call] = field(default_factory=list)
    roles: dict[str, dict] = field(default_factory=dict)
    people: dict[str, dict] = field(default_factory=dict)
    programs: dict[str, dict] = field(default_factory=dict)
    enrollments: dict[str, dict] = field(default_factory=dict)
    pairings: dict[str, dict] = field(default_factory=dict)
    waitlist: list[dict] = field(default_factory=list)
    not_answering: list[dict] = field(default_factory=list)  # mentors and mentees matching holds back, every program
    unknown_to_matching: set[str] = field(default_factory=set)  # programs whose definition has not reached matching
    rounds: dict[str, dict] = field(default_factory=dict)
    statistics: dict[str, dict] = field(default_factory=dict)  # matching's figures of a program, by its id
    events: dict[str, dict] = field(default_factory=dict)
    roster: dict[str, list[dict]] = field(default_factory=dict)
    people_report: dict | None = None  # profiles' people report, when a test says what it is
    trends_report: dict | None = None  # matching's mentorships by month, when a test says what it is
    mentorships_report: dict | None = None  # matching's mentorships report, when a test says what it is
    invited: set[tuple[str, str, str]] = field(default_factory=set)
    enrolled_since_shown: set[str] = field(default_factory=set)  # programs GET says nobody took part in
    person_invitations: dict[str, list[dict]] = field(default_factory=dict)  # by person, as profiles answers them
    # (status, code, field) or (status, code, field, message): the message as the service words it; field: a list
    # for a malformed request's every field at fault.
    refuse: dict[tuple[str, str], tuple] = field(default_factory=dict)
    audit: dict[str, list[dict]] = field(default_factory=dict)
    deliveries: list[dict] = field(default_factory=list)
    parameters: dict[str, dict] = field(default_factory=dict)  # each delivery's, by its id (its inbox item says them)
    messages: dict[str, list[dict]] = field(default_factory=dict)  # an organizer's messages, by event, oldest first
    answer_within_days: int = 14  # matching's default time to answer

    # --- the world ----------------------------------------------------------------------------------------
    def person(self, name: str, chapter: str | None = None, **more) -> dict:
        p = {"id": ident(), "display_name": name, "email": f"{name.split()[0].lower()}@example.org",
             "stage": "resident", "chapter_id": chapter or self.chapter, "timezone": "America/Chicago",
             "preferred_language": "en", "suspended": False, "enrollments": [], **more}
        self.people[p["id"]] = p
        return p

    def program(self, name: str, chapter: str | None = None, **more) -> dict:
        """A program as profiles answers it (ProgramOut: every setting, the API's defaults unless given)."""
        p = {**PROGRAM_DEFAULTS, "id": ident(), "name": name, "chapter_id": chapter,
             "mentee_stages": ["undergraduate"], "mentor_stages": ["resident"], **more}
        self.programs[p["id"]] = p
        return p

    def pairing(self, program: dict, mentee: dict, mentor: dict, status: str = "active", **more) -> dict:
        p = {"id": ident(), "program_id": program["id"], "mentee_id": mentee["id"], "mentor_id": mentor["id"],
             "pairing_kind": "general", "status": status, "score": 80, "reason_codes": ["shared_language"],
             "mentee_accepted": True, "mentor_accepted": True, "term_ends_at": None, "last_met_at": None,
             "mentee_renews": False, "mentor_renews": False, "overdue": False,
             "created_at": "2026-01-10T12:00:00+00:00", **more}
        self.pairings[p["id"]] = p
        return p

    @staticmethod
    def check_in_later(event: dict) -> None:
        """Check-in opens on 10 December 2099 (00:00 in Chicago): ahead, whatever day the tests run on."""
        event["check_in_opens_at"] = datetime(2099, 12, 10, 6, tzinfo=UTC).isoformat()

    @staticmethod
    def open_check_in(event: dict) -> None:
        """Check-in at the door opened an hour ago (events checks people in from then)."""
        event["check_in_opens_at"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()

    def event(self, title: str, chapter: str | None = None, state: str = "published") -> dict:
        starts = datetime(2026, 12, 10, 18, tzinfo=UTC)
        e = {"id": ident(), "chapter_id": chapter if chapter is not None else self.chapter, "kind": "workshop",
             "title": title, "description": "", "starts_at": starts.isoformat(),
             "ends_at": (starts + timedelta(hours=2)).isoformat(), "timezone": "America/Chicago", "capacity": 2,
             "audience_stages": [], "registration_deadline": (starts - timedelta(days=1)).isoformat(),
             "is_virtual": False, "location": "Room 1", "parent_event_id": None, "exhibitors": [], "state": state,
             # As events says it: midnight of its first day in its time zone (10 December, 00:00 in Chicago).
             "check_in_opens_at": datetime(2026, 12, 10, 6, tzinfo=UTC).isoformat()}
        self.events[e["id"]] = e
        self.roster[e["id"]] = []
        return e

    # --- the transport ------------------------------------------------------------------------------------
    def calls_to(self, service: str, method: str | None = None, path: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.service == service and (method is None or c.method == method)
                and (path is None or re.fullmatch(path, c.path))]

    def handle(self, request: httpx.Request) -> httpx.Response:
        service = request.url.host.split(".")[0]
        token = request.headers["authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["aud"] == service, "a token is minted for the service called"
        params = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        body = json.loads(request.content) if request.content else None
        call = Call(service, request.method, request.url.path, params, body, claims)
        self.calls.append(call)
        refused = self.refuse.get((request.method, request.url.path))
        if refused:  # field_name: a list for every field a malformed request has at fault
            status, code, field_name, *message = refused
            every = field_name if isinstance(field_name, list) else None
            return refusal(status, code, every[0] if every else field_name, message[0] if message else code, every)
        try:
            answer = getattr(self, f"serve_{service}")(call)
        except LookupError:
            return httpx.Response(404, json={"error": {"code": "not_found", "message": "not found"}})
        if isinstance(answer, httpx.Response):
            return answer
        if answer is None:
            return httpx.Response(204)
        if isinstance(answer, str):
            return httpx.Response(200, text=answer, headers={"content-type": "text/csv"})
        return httpx.Response(200, json=answer)

    def _mine(self, call: Call, chapter: str | None) -> None:
        """As the services: a coordinator reaches only their chapters' things (404 otherwise)."""
        if call.claims["role"] == "admin":
            return
        if call.claims["role"] == "coordinator" and chapter in call.claims.get("chapters", []):
            return
        raise LookupError

    @staticmethod
    def _scope(c: Call, requested: str | None) -> str | None:
        """plumbing.auth's chapter_scope: the chapter a coordinator's list is about, the one they name if theirs,
        else their only one; None (the services refuse, 403) when neither."""
        chapters = c.claims.get("chapters", [])
        if requested:
            return requested if requested in chapters else None
        return chapters[0] if len(chapters) == 1 else None

    @staticmethod
    def _page(c: Call, items: list, limit: int) -> tuple[list, int]:
        """A page as the services' `offset` and `limit` ask (with the service's default limit)."""
        offset, limit = int(c.params.get("offset", 0)), int(c.params.get("limit", limit))
        return items[offset:offset + limit], offset

    # --- profiles -----------------------------------------------------------------------------------------
    def serve_profiles(self, c: Call) -> Any:
        m, path = c.method, c.path
        if m == "GET" and (found := re.fullmatch(r"/v1/people/([^/]+)/roles", path)):
            assert c.claims["role"] in ("service", "admin")
            return self.roles.get(found[1], {"administrator": False, "coordinator_of": []})
        if m == "GET" and path in ("/v1/people/names", "/v1/people/contacts"):
            ids = c.params["ids"].split(",")
            assert len(ids) <= 200
            fields = ("display_name", "email") if path.endswith("contacts") else ("display_name",)
            return [{"id": i, **{f: self.people[i][f] for f in fields}} for i in ids if i in self.people
                    and (c.claims["role"] == "admin" or self.people[i]["chapter_id"] in c.claims.get("chapters", []))]
        if m == "GET" and path == "/v1/people":
            chapter = c.params.get("chapter_id")
            if c.claims["role"] != "admin":
                chapter = self._scope(c, chapter)
                if chapter is None:
                    return forbidden("a coordinator searches their own chapters only, naming one when they have "
                                     "several")
            items = sorted((p for p in self.people.values() if not chapter or p["chapter_id"] == chapter),
                           key=lambda p: p["display_name"])
            if q := c.params.get("q"):
                items = [p for p in items if q.lower() in p["display_name"].lower()]
            if program := c.params.get("program_id"):
                items = [p for p in items if any(e["program_id"] == program for e in p["enrollments"])]
            if role := c.params.get("role"):
                items = [p for p in items if any(e["role"] == role for e in p["enrollments"])]
            if approval := c.params.get("approval"):  # of a mentor enrollment, as profiles has it
                items = [p for p in items if any(e["role"] == "mentor" and e.get("approval") == approval
                                                 for e in p["enrollments"])]
            if c.params.get("alumni") == "true":
                items = [p for p in items if p.get("is_alumni")]
            if under_review := c.params.get("under_review"):  # an enrollment of the role and program given, as profiles
                items = [p for p in items if any(
                    bool(e.get("review_reason")) == (under_review == "true") and c.params.get("role") in (None, e["role"])
                    and c.params.get("program_id") in (None, e["program_id"]) for e in p["enrollments"])]
            if suspended := c.params.get("suspended"):
                items = [p for p in items if p["suspended"] == (suspended == "true")]
            shown, offset = self._page(c, items, 20)
            return {"items": shown, "total": len(items), "offset": offset, "limit": len(shown)}
        if m == "GET" and (found := re.fullmatch(r"/v1/people/([^/]+)", path)):
            person = self.people[found[1]]
            self._mine(c, person["chapter_id"])
            if (suspension := person.get("suspension")) and c.claims["role"] != "admin":
                return {**person, "suspension": {**suspension, "note": None}}  # why: to administrators alone
            return person
        if m == "GET" and (found := re.fullmatch(r"/v1/people/([^/]+)/invitations", path)):
            return self.person_invitations.get(found[1], [])
        if m == "GET" and (found := re.fullmatch(r"/v1/people/([^/]+)/enrollments", path)):
            self._mine(c, self.people[found[1]]["chapter_id"])
            return self.people[found[1]]["enrollments"]
        if m == "DELETE" and (found := re.fullmatch(r"/v1/people/([^/]+)", path)):
            assert c.claims["role"] == "admin"  # profiles: the person themselves, or an administrator
            del self.people[found[1]]
            return None
        if m == "POST" and (found := re.fullmatch(r"/v1/people/([^/]+)/(suspend|reinstate)", path)):
            person = self.people[found[1]]
            self._mine(c, person["chapter_id"])
            person["suspended"] = found[2] == "suspend"
            person["suspension"] = {"since": "2026-12-03T15:00:00+00:00", "by_administrator": c.claims["role"] == "admin",
                                    "suspended_by": c.claims.get("person_id"),
                                    "note": c.body.get("note")} if person["suspended"] else None
            return person
        if m == "GET" and path == "/v1/coordinators":  # national administrators only (403 to anyone else)
            if c.claims["role"] != "admin":
                return forbidden("only a national administrator lists the coordinators")
            return [{"chapter_id": chapter, "person_id": person, "suspended": bool(self.people.get(person, {}).get(
                "suspended"))} for person, roles in self.roles.items() for chapter in roles["coordinator_of"]]
        if m in ("PUT", "DELETE") and (found := re.fullmatch(r"/v1/people/([^/]+)/roles/coordinator/([^/]+)", path)):
            assert c.claims["role"] == "admin"
            roles = self.roles.setdefault(found[1], {"administrator": False, "coordinator_of": []})
            if m == "PUT":
                roles["coordinator_of"].append(found[2])
            else:
                roles["coordinator_of"].remove(found[2])
            return None
        if m == "GET" and path == "/v1/programs":
            return list(self.programs.values())
        if m == "POST" and path == "/v1/programs":
            return self._define_program(c)
        if m == "PATCH" and (found := re.fullmatch(r"/v1/programs/([^/]+)", path)):
            return self._change_program(c, found[1])
        if m == "GET" and (found := re.fullmatch(r"/v1/programs/([^/]+)", path)):
            program = self.programs[found[1]]  # as profiles: any caller reads a program; the console decides
            fixed = program["id"] not in self.enrolled_since_shown and (self._anyone_enrolled(program["id"]) or any(
                invited_to == program["id"] for _, invited_to, _ in self.invited))
            return {**program, "members_public_fixed": fixed}
        if m == "GET" and path == "/v1/chapters":
            return [{"id": self.chapter, "name": "Chicago", "timezone": self.chapter_timezone},
                    {"id": self.other_chapter, "name": "Miami", "timezone": "America/New_York"}]
        if m == "POST" and path == "/v1/chapters":
            return {"id": ident(), **c.body}
        if m == "PATCH" and (found := re.fullmatch(r"/v1/chapters/([^/]+)", path)):
            return {"id": found[1], "name": "Chicago", "timezone": self.chapter_timezone, **c.body}
        if m == "GET" and path == "/v1/enrollments":
            items = [e for e in self.enrollments.values() if e["approval"] == "pending"
                     and (c.claims["role"] == "admin" or e["chapter_id"] in c.claims.get("chapters", []))
                     and e["program_id"] == c.params.get("program_id", e["program_id"])]
            items.sort(key=lambda e: e["display_name"])
            return {"items": self._page(c, items, 20)[0], "total": len(items)}
        if m == "GET" and path == "/v1/enrollments/counts":  # as profiles: of its people's enrollments, by program
            assert (c.params.get("role"), c.params.get("approval")) == ("mentee", "approved")  # mentees held, alone
            held = Counter(e["program_id"] for p in self.people.values() for e in p["enrollments"]
                           if (c.claims["role"] == "admin" or p["chapter_id"] in c.claims.get("chapters", []))
                           and e["role"] == "mentee" and not e.get("withdrawn")
                           and bool(e.get("review_reason")) == (c.params.get("under_review") == "true"))
            return [{"program_id": program, "count": n} for program, n in sorted(held.items())]
        if m == "POST" and (found := re.fullmatch(r"/v1/enrollments/([^/]+)/(approve|suspend)", path)):
            e = self.enrollments[found[1]]
            self._mine(c, e["chapter_id"])
            # As profiles keeps it: whether a suspended mentor had been approved (false: declined).
            e["was_approved"] = e["approval"] == "approved" if found[2] == "suspend" else None
            e["approval"] = "approved" if found[2] == "approve" else "suspended"
            return e
        if m == "POST" and (found := re.fullmatch(r"/v1/enrollments/([^/]+)/clear-review", path)):
            return {"id": found[1], "paused": False, "paused_because": None, "review_reason": None}
        if m == "POST" and path in ("/v1/invitations/preview", "/v1/invitations"):
            return self._invitations(c, preview=path.endswith("preview"))
        if m == "GET" and path.startswith("/v1/reports/people"):
            if path.endswith(".csv"):  # as `plumbing.disclosure.as_csv` writes the table below
                return (f",undergraduate:invited,undergraduate:enrolled_mentees\n{next(iter(self.programs))},12,<5\n"
                        "total,,\n")
            return self.people_report or published(
                [next(iter(self.programs))], ["undergraduate:invited", "undergraduate:enrolled_mentees"],
                [[(12, "exact"), (3, "fewer_than_threshold")]])
        if m == "GET" and path == "/v1/audit":
            return self._audit(c, "profiles")
        raise AssertionError(f"profiles has no {m} {path} in the spec")

    @staticmethod
    def _manages(c: Call, chapter: str | None) -> bool:
        """profiles' _require_manager_of_chapter: an administrator, or a coordinator of this chapter (never of a
        national program)."""
        return c.claims["role"] == "admin" or (c.claims["role"] == "coordinator" and chapter is not None
                                               and chapter in c.claims.get("chapters", []))

    def _define_program(self, c: Call) -> httpx.Response:
        """As profiles' POST /v1/programs: the body checked (422), the caller (403), the chapter (404), the rules."""
        if faults := program_body_faults(c.body, change=False):
            return refusal(422, "invalid_request", faults[0], every_field=faults)
        chapter = c.body.get("chapter_id")
        if not self._manages(c, chapter):
            return forbidden("only an administrator, or a coordinator of this chapter, may do this")
        if chapter is not None and chapter not in (self.chapter, self.other_chapter):
            return refusal(404, "not_found", "chapter_id")
        made = {**PROGRAM_DEFAULTS, **typed(c.body), "id": ident()}
        if fault := program_rule_fault(made):
            return refusal(422, "invalid", fault)
        self.programs[made["id"]] = made
        return httpx.Response(201, json=made)

    def _change_program(self, c: Call, program_id: str) -> httpx.Response:
        """As profiles' PATCH /v1/programs/{id}: only what is sent changes; no chapter; null only where taken."""
        if faults := program_body_faults(c.body, change=True):
            return refusal(422, "invalid_request", faults[0], every_field=faults)
        program = self.programs.get(program_id)
        if program is None:
            return refusal(404, "not_found", "program_id")
        if not self._manages(c, program["chapter_id"]):
            return forbidden("only an administrator, or a coordinator of this chapter, may do this")
        candidate = {**program, **typed(c.body)}
        if fault := program_rule_fault(candidate):
            return refusal(422, "invalid", fault)
        if candidate.get("members_public") != program.get("members_public") and self._anyone_enrolled(program_id):
            return refusal(409, "conflict", "members_public",
                           "people have enrolled trusting who may see that they did: it stays as it was")
        program.update(candidate)
        return httpx.Response(200, json=program)

    def _anyone_enrolled(self, program_id: str) -> bool:
        """Whether anyone has ever enrolled in the program (withdrawn too): profiles then keeps who may see it."""
        return any(e["program_id"] == program_id for e in self.enrollments.values()) or any(
            e["program_id"] == program_id for p in self.people.values() for e in p["enrollments"])

    def _invitations(self, c: Call, preview: bool) -> Any:
        program = self.programs[c.body["program_id"]]
        self._mine(c, program["chapter_id"])
        lines = c.body["csv"].strip().splitlines()
        header = [h.strip().lower() for h in lines[0].split(",")]
        if missing := [{"field": c, "code": "missing_column"} for c in ("name", "email", "stage") if c not in header]:
            return {"rows": [{"line": 1, "name": None, "email": None, "stage": None, "language": None, "valid": False,
                              "problems": missing, "already": None}], "valid": 0, "invalid": 1}
        rows, seen = [], set()
        for number, line in enumerate(lines[1:], start=2):
            values = dict(zip(header, [v.strip() for v in line.split(",")], strict=False))
            problems = []
            if not values.get("name"):
                problems.append({"field": "name", "code": "required"})
            if "@" not in values.get("email", ""):
                problems.append({"field": "email", "code": "invalid_email"})
            elif values["email"] in seen:
                problems.append({"field": "email", "code": "duplicate_in_file"})
            if values.get("stage") not in ("resident", "attending", "undergraduate"):
                problems.append({"field": "stage", "code": "unknown_stage"})
            if values.get("language") and values["language"] not in ("en", "es"):
                problems.append({"field": "language", "code": "unknown_language"})
            # As profiles: someone registered at a stage the program does not take in this role could not join.
            registered = next((p for p in self.people.values() if p["email"] == values.get("email")), None)
            if not problems and registered and registered["stage"] not in program[f"{c.body['role']}_stages"]:
                problems.append({"field": "stage", "code": "registered_stage_not_eligible"})
            seen.add(values.get("email", ""))
            key = (values.get("email", ""), program["id"], c.body["role"])
            rows.append({"line": number, "name": values.get("name"), "email": values.get("email"),
                         "stage": values.get("stage"), "language": values.get("language") or None,
                         "valid": not problems, "problems": problems,
                         "already": "invited" if key in self.invited else None})
        valid = [r for r in rows if r["valid"]]
        if preview:
            return {"rows": rows, "valid": len(valid), "invalid": len(rows) - len(valid)}
        invited = []
        for row in valid:
            key = (row["email"], program["id"], c.body["role"])
            if key in self.invited:
                continue
            self.invited.add(key)
            person = self.person(row["name"], program["chapter_id"], email=row["email"], preferred_language=row[
                "language"] or ("es" if row["email"].endswith(".mx") else "en"))
            invited.append({"invitation_id": ident(), "person_id": person["id"], "email": row["email"],
                            "display_name": row["name"], "preferred_language": person["preferred_language"]})
        return {"invited": invited, "already_invited": len(valid) - len(invited), "invalid": len(rows) - len(valid)}

    def _audit(self, c: Call, service: str) -> Any:
        """As plumbing.audit's route: oldest first after `after`, or newest first (before `before`), a page."""
        if c.claims["role"] != "admin":
            return forbidden("administrators only")
        entries = sorted((e for e in self.audit.get(service, [])
                          if e["chapter_id"] == c.params.get("chapter_id", e["chapter_id"])
                          and e["action"] == c.params.get("action", e["action"])), key=lambda e: e["id"])
        limit = int(c.params.get("limit", 100))
        if c.params.get("newest_first") == "true":
            before = int(c.params.get("before", 2**62))
            found = [e for e in reversed(entries) if e["id"] < before]
            more = len(found) > limit
            return {"entries": found[:limit], "next_after": None, "next_before": found[limit - 1]["id"] if more else None}
        found = [e for e in entries if e["id"] > int(c.params.get("after", 0))]
        more = len(found) > limit
        return {"entries": found[:limit], "next_after": found[limit - 1]["id"] if more else None, "next_before": None}

    # --- matching -----------------------------------------------------------------------------------------
    def serve_matching(self, c: Call) -> Any:
        m, path = c.method, c.path
        if m == "GET" and path == "/v1/audit":
            return self._audit(c, "matching")
        if m == "GET" and path.startswith("/v1/reports/mentorships"):
            if path.endswith(".csv"):
                return "month,paired\n2026-01,<5\n"
            if "trends" in path:
                return self.trends_report or published(["2026-01", "2026-02", "2026-03"], ["paired", "completed"],
                                 [[(10, "exact"), (6, "exact")], [(None, "fewer_than_threshold"), (7, "exact")],
                                  [(12, "exact"), (None, "withheld")]], column_totals=False)
            return {**(self.mentorships_report or published([next(iter(self.programs))], ["waiting", "paired"],
                                                            [[(None, "fewer_than_threshold"), (8, "exact")]])),
                    "meetings_per_pairing": published(["all"], ["0", "1-2"], [[(None, "withheld"), (9, "exact")]],
                                                      row_totals=True)}
        if m == "GET" and (found := re.fullmatch(r"/v1/people/([^/]+)/pairings", path)):
            theirs = [p for p in self.pairings.values() if found[1] in (p["mentee_id"], p["mentor_id"])]
            if c.claims["role"] == "admin" or c.claims.get("person_id") == found[1]:
                return theirs
            if c.claims["role"] == "coordinator":  # as matching: those in programs of their chapters
                return [p for p in theirs if self.programs[p["program_id"]]["chapter_id"] in c.claims["chapters"]]
            return forbidden("you may see your own pairings")
        if m == "GET" and path == "/v1/defaults":
            return {"answer_within_days": self.answer_within_days}
        if m == "GET" and path == "/v1/not-answering":  # as matching: of the programs I manage, by program
            counted = Counter(m["program_id"] for m in self.not_answering if m["program_id"] in self.programs
                              and self._manages(c, self.programs[m["program_id"]]["chapter_id"]))
            return [{"program_id": program, "people": n} for program, n in sorted(counted.items())]
        if m == "GET" and path == "/v1/waiting":  # as matching: of the programs I manage, by program
            waiting = Counter(w["program_id"] for w in self.waitlist if "program_id" in w)
            return [{"program_id": program, "mentees": n} for program, n in sorted(waiting.items())
                    if program in self.programs and self._manages(c, self.programs[program]["chapter_id"])]
        if m == "GET" and path == "/v1/rounds":  # as matching: of the programs I manage, with the status asked
            return [r for r in self.rounds.values()
                    if r["status"] == c.params["status"] and r["program_id"] in self.programs
                    and self._manages(c, self.programs[r["program_id"]]["chapter_id"])]
        if found := re.fullmatch(r"/v1/programs/([^/]+)/statistics", path):
            program = self.programs[found[1]]
            self._mine(c, program["chapter_id"])
            return self.statistics.get(program["id"], {"waiting": len(self.waitlist)})
        if found := re.fullmatch(r"/v1/programs/([^/]+)/(pairings|waitlist|feedback|rounds|not-answering|mentors)",
                                 path):
            program = self.programs[found[1]]
            self._mine(c, program["chapter_id"])
            kind = found[2]
            if kind == "pairings" and m == "POST":
                made = self.pairing(program, self.people[c.body["mentee_id"]], self.people[c.body["mentor_id"]],
                                    status="proposed")
                return httpx.Response(201, json=made)
            if kind == "pairings":
                items = sorted((p for p in self.pairings.values() if p["program_id"] == program["id"]
                                and p["status"] == c.params.get("status", p["status"])),
                               key=lambda p: p["created_at"], reverse=True)
                return {"items": self._page(c, items, 50)[0], "total": len(items)}
            if kind == "waitlist":
                return self.waitlist
            if kind == "mentors" and program["id"] in self.unknown_to_matching:
                return refusal(404, "program_not_found", "program_id", "no such program")
            if kind == "mentors":  # as matching: of the people asked, the program's mentors, with the room they have
                asked = c.params["ids"].split(",")
                assert len(asked) <= 200
                return [{"person_id": i, "capacity": e["capacity"], "paused": bool(e.get("paused")),
                         "live_pairings": sum(p["mentor_id"] == i and p["program_id"] == program["id"]
                                              and p["status"] in ("proposed", "active") for p in self.pairings.values())}
                        for i in asked if i in self.people for e in self.people[i]["enrollments"]
                        if e["program_id"] == program["id"] and e["role"] == "mentor" and not e.get("withdrawn")]
            if kind == "not-answering":  # as matching: mentors first
                return sorted((m for m in self.not_answering if m["program_id"] == program["id"]),
                              key=lambda m: m["role"] != "mentor")
            if kind == "feedback":
                return [{"pairing_id": p["id"], "from_role": "mentee", "rating": 5, "comment": "Very helpful",
                         "given_at": "2026-02-01T12:00:00+00:00"} for p in list(self.pairings.values())[:1]]
            if m == "POST":  # as matching: one round of a program open at a time
                if any(r["program_id"] == program["id"] and r["status"] in ("queued", "running", "draft")
                       for r in self.rounds.values()):
                    return refusal(409, "draft_awaiting_review", "program_id")
                r = {"id": ident(), "program_id": program["id"], "status": "queued", "progress": 0,
                     "requested_at": "2026-03-01T12:00:00+00:00"}
                self.rounds[r["id"]] = r
                return httpx.Response(202, json=r)
            return [r for r in self.rounds.values() if r["program_id"] == program["id"]]
        if found := re.fullmatch(r"/v1/pairings/([^/]+)(?:/(\w+))?", path):
            pairing = self.pairings[found[1]]
            self._mine(c, self.programs[pairing["program_id"]]["chapter_id"])
            if m == "GET":
                return pairing
            if found[2] == "end":
                pairing["status"] = "ended"
                return pairing
            if found[2] == "withdraw":  # a proposal waiting for answers only; the reason codes of WithdrawIn
                if c.body.get("reason_code", "other") not in WITHDRAW_REASONS:
                    return refusal(422, "invalid_request", "reason_code")
                if pairing["status"] != "proposed":
                    return refusal(409, "transition_not_allowed", "pairing_id")
                pairing.update(status="declined", closed_by="program", closed_reason=c.body.get("reason_code", "other"))
                return pairing
            if found[2] == "reassign":  # an active mentorship is ended, a proposal withdrawn; nothing else
                if pairing["status"] not in ("active", "proposed") or \
                        c.body.get("expected_status", pairing["status"]) != pairing["status"]:
                    return refusal(409, "transition_not_allowed", "pairing_id")
                pairing.update(status="ended" if pairing["status"] == "active" else "declined", closed_by="program",
                               closed_reason="reassigned")
                made = self.pairing(self.programs[pairing["program_id"]], self.people[pairing["mentee_id"]],
                                    self.people[c.body["mentor_id"]], status="proposed")
                return httpx.Response(201, json=made)
        if found := re.fullmatch(r"/v1/rounds/([^/]+)(/.*)?", path):
            r = self.rounds[found[1]]
            self._mine(c, self.programs[r["program_id"]]["chapter_id"])
            rest = found[2] or ""
            if m == "GET":
                return r
            if m == "POST" and rest == "/pairs":  # as matching: a mentee the draft leaves unpaired, a mentor with room
                places = {w["mentor_id"]: w["places"] for w in r.get("mentors_with_places") or ()}
                if c.body["mentee_id"] not in {u["mentee_id"] for u in r["unpaired"]}:
                    return refusal(404, "pair_not_found", "mentee_id")
                if not places.get(c.body["mentor_id"]):
                    return refusal(409, "mentor_full", "mentor_id")
                r["unpaired"] = [u for u in r["unpaired"] if u["mentee_id"] != c.body["mentee_id"]]
                r["pairs"].append({"mentee_id": c.body["mentee_id"], "mentor_id": c.body["mentor_id"], "score": 60,
                                   "reason_codes": [], "by_hand": True})
                return httpx.Response(201, json=r)
            if m == "DELETE" and rest.startswith("/pairs/"):
                mentee = rest.split("/")[-1]
                r["pairs"] = [p for p in r["pairs"] if p["mentee_id"] != mentee]
                r["unpaired"].append({"mentee_id": mentee, "reason_code": "removed_by_coordinator"})
                return None
            if rest in ("/publish", "/discard"):
                r["status"] = "published" if rest == "/publish" else "discarded"
                return r
            if rest == "/swap":  # as matching: two mentees drafted with one mentor are not swapped
                mentors = {p["mentee_id"]: p["mentor_id"] for p in r["pairs"]}
                if mentors.get(c.body["mentee_a"], "a") == mentors.get(c.body["mentee_b"], "b"):
                    return refusal(409, "same_mentor", "mentee_b")
                return r
        raise AssertionError(f"matching has no {m} {path} in the spec")

    # --- events -------------------------------------------------------------------------------------------
    def serve_events(self, c: Call) -> Any:
        m, path = c.method, c.path
        if m == "GET" and path == "/v1/audit":
            return self._audit(c, "events")
        if m == "GET" and path.startswith("/v1/reports/attendance"):
            if path.endswith(".csv"):
                return "event,registered\nWorkshop,<5\n"
            return published([next(iter(self.events))], ["registered", "attended"], [[(20, "exact"), (17, "exact")]])
        if m == "GET" and path == "/v1/events":
            chapter = c.params.get("chapter_id")
            state = c.params.get("status", "published")
            if state == "draft" and c.claims["role"] != "admin":
                chapter = self._scope(c, chapter)  # as events: drafts are listed for their organizers only
                if chapter is None:
                    return forbidden("drafts are listed for their organizers only")
            elif chapter:
                self._mine(c, chapter)
            ends_after, starts_before = (datetime.fromisoformat(c.params[k]) if k in c.params else None
                                         for k in ("ends_after", "starts_before"))
            parent = c.params.get("parent_event_id")
            found = sorted((e for e in self.events.values() if (not chapter or e["chapter_id"] == chapter)
                            and e["state"] == state and (not parent or e.get("parent_event_id") == parent)
                            and (ends_after is None or datetime.fromisoformat(e["ends_at"]) > ends_after)
                            and (starts_before is None or datetime.fromisoformat(e["starts_at"]) < starts_before)),
                           key=lambda e: (e["starts_at"], e["id"]))
            return self._page(c, found, 50)[0]
        if m == "POST" and path == "/v1/events":
            self._mine(c, c.body.get("chapter_id"))
            parent = self.events.get(c.body.get("parent_event_id") or "")
            if (c.body["kind"] == "conference_session") != (parent is not None):  # as events
                return refusal(422, "invalid", "parent_event_id")
            if parent and not (datetime.fromisoformat(parent["starts_at"]) <= datetime.fromisoformat(c.body["starts_at"])
                               and datetime.fromisoformat(c.body["ends_at"]) <= datetime.fromisoformat(parent["ends_at"])):
                return refusal(422, "invalid", "starts_at", "a session takes place during its conference")
            made = {"id": ident(), "parent_event_id": None, **c.body, "state": "draft", "exhibitors": []}
            self.events[made["id"]] = made
            self.roster[made["id"]] = []
            return httpx.Response(201, json=made)
        if found := re.fullmatch(r"/v1/events/([^/]+)(/.*)?", path):
            event = self.events.get(found[1])
            if event is None:
                return refusal(404, "not_found", "scheduled_event_id")
            rest = found[2] or ""
            if rest == "" and m == "GET" and event["state"] != "draft":
                return event  # events shows a published event to anyone signed in, as its catalogue does
            self._mine(c, event["chapter_id"])
            roster = self.roster[event["id"]]
            if rest == "" and m == "GET":
                return event
            if rest == "" and m == "PATCH":
                event.update(c.body)
                return event
            if rest == "/cancel" and (note := (c.body or {}).get("note")) is not None:
                # As events: the organizers' note to those registered, lines allowed, no other control character.
                if len(note) > 1000 or any(ch < " " and ch not in "\n\t" for ch in note):
                    return refusal(422, "invalid_request", "note")
                event["cancellation_note"] = note
            if rest in ("/publish", "/cancel", "/complete"):
                event["state"] = {"/publish": "published", "/cancel": "cancelled", "/complete": "completed"}[rest]
                if rest == "/complete":  # as events: attendance nobody recorded is whether they were checked in
                    for r in roster:
                        if r["status"] == "confirmed" and r.get("attended") is None:
                            r["attended"] = r.get("checked_in_at") is not None
                if rest == "/cancel":  # as events: every registration still active is cancelled with the event,
                    for r in roster:   # its roster saying by whom
                        if r["status"] in ("confirmed", "waitlisted"):
                            r.update(status="cancelled", waitlist_position=None, cancelled_by="event_cancelled")
                return event
            if rest == "/registrations":
                return {"counts": {"confirmed": sum(r["status"] == "confirmed" for r in roster)},
                        "registrations": roster}
            if rest == "/attendance" and m == "POST":
                entry = next(r for r in roster if r["person_id"] == c.body["person_id"])
                entry["attended"] = c.body["attended"]
                return entry
            if rest == "/attendance":  # as events: each person once, by their newest registration
                newest = {r["person_id"]: r for r in sorted(roster, key=lambda r: r.get("created_at") or "")}
                return [{"person_id": r["person_id"], "status": r["status"], "checked_in_at": r.get("checked_in_at"),
                         "attended": r.get("attended"), "waitlist_position": r.get("waitlist_position")}
                        for r in roster if newest[r["person_id"]] is r]
            if rest == "/check-ins" and m == "POST":
                entry = next(r for r in roster if r["person_id"] == c.body["person_id"])
                entry["checked_in_at"] = "2026-12-10T18:05:00+00:00"
                return httpx.Response(201, json={"person_id": entry["person_id"],
                                                 "checked_in_at": entry["checked_in_at"]})
            if rest.startswith("/check-ins/") and m == "DELETE":
                next(r for r in roster if r["person_id"] == rest.split("/")[-1])["checked_in_at"] = None
                return None
            if (seated := re.fullmatch(r"/registrations/([^/]+)/seat-at-the-door", rest)) and m == "POST":
                # As events: while a seat is free, the one waiting is confirmed and checked in with it.
                if sum(r["status"] == "confirmed" for r in roster) >= event["capacity"]:
                    return refusal(409, "no_free_seat", "capacity")
                entry = next(r for r in roster if r["person_id"] == seated[1] and r["status"] == "waitlisted")
                entry.update(status="confirmed", waitlist_position=None, checked_in_at=datetime.now(UTC).isoformat())
                return entry
            if (removed := re.fullmatch(r"/registrations/([^/]+)/remove", rest)) and m == "POST":
                next(r for r in roster if r["person_id"] == removed[1]).update(status="removed",
                                                                                removal_reason=c.body["reason"])
                return None
        raise AssertionError(f"events has no {m} {path} in the spec")

    def delivery(self, person: dict, kind: str, status: str, at: str, parameters: dict | None = None,
                 **more) -> dict:
        """An email notifications logged; its `parameters` (what it is about: an event's id, a role) only its
        inbox item gives, as the service's delivery log says ids, kinds, times and statuses only."""
        d = {"id": ident(), "person_id": person["id"], "chapter_id": person["chapter_id"], "kind": kind,
             "status": status, "attempts": 5 if status == "failed" else 1, "last_error": None, "created_at": at,
             "sent_at": None, **more}
        self.deliveries.append(d)
        self.parameters[d["id"]] = parameters or {}
        return d

    def _inbox(self, c: Call, person_id: str) -> Any:
        """As notifications' GET /v1/people/{id}/inbox: the person's, or an administrator's to help them (never a
        coordinator's); newest first; neither an email change nor a digest is an inbox item."""
        if c.claims["role"] != "admin" and c.claims.get("person_id") != person_id:
            return forbidden("you may only see your own notifications")
        items = sorted((d for d in self.deliveries if d["person_id"] == person_id
                        and d["kind"] not in ("email_change", "email_changed", "daily_digest")),
                       key=lambda d: d["created_at"], reverse=True)[:int(c.params.get("limit", 50))]
        return {"items": [{"id": d["id"], "kind": d["kind"], "subject": f"About {d['kind']}",
                           "parameters": self.parameters.get(d["id"], {}), "created_at": d["created_at"],
                           "read": False} for d in items], "unread": len(items)}

    def serve_notifications(self, c: Call) -> Any:
        if c.method == "GET" and c.path == "/v1/audit":
            return self._audit(c, "notifications")
        if c.method == "GET" and c.path == "/v1/deliveries":
            chapter = c.params.get("chapter_id")
            if c.claims["role"] != "admin":
                # As the service: a coordinator's log is of a chapter of theirs, named (or their only one).
                chapter = self._scope(c, chapter)
                if chapter is None:
                    return forbidden("your chapters only")
            found = [d for d in self.deliveries if (chapter is None or d["chapter_id"] == chapter)
                     and d["status"] == c.params.get("status", d["status"])
                     and d["person_id"] == c.params.get("person_id", d["person_id"])]
            return sorted(found, key=lambda d: d["created_at"], reverse=True)[:int(c.params.get("limit", 100))]
        if c.method == "POST" and (again := re.fullmatch(r"/v1/deliveries/([^/]+)/send-again", c.path)):
            return self._send_again(c, again[1])
        if c.method == "POST" and c.path == "/v1/deliveries/send-again":
            listed = c.body["notification_ids"]
            if c.claims["role"] != "admin" and any(d["id"] in listed and d["chapter_id"] not in c.claims.get(
                    "chapters", []) for d in self.deliveries):  # as the service: nothing sent when one is not theirs
                return httpx.Response(403, json={"error": {"code": "forbidden", "message": "your chapters only"}})
            answers = {i: self._send_again(c, i) for i in listed}
            return httpx.Response(202, json={
                "sent_again": [a.json() for a in answers.values() if a.status_code == 202],
                "skipped": [i for i, a in answers.items() if a.status_code != 202]})
        if said := re.fullmatch(r"/v1/events/([^/]+)/messages", c.path):
            return self._messages(c, said[1])
        if c.method == "GET" and (inbox := re.fullmatch(r"/v1/people/([^/]+)/inbox", c.path)):
            return self._inbox(c, inbox[1])
        raise AssertionError(f"notifications has no {c.method} {c.path} in the spec")

    def _messages(self, c: Call, event_id: str) -> Any:
        """As the service: an organizer's messages to an event's registrants, the event's chapter's coordinator's or
        an administrator's; the same message_id again is the first message, sent once."""
        event = self.events.get(event_id)
        if event is None:
            return httpx.Response(404, json={"error": {"code": "unknown_event", "message": "no such event"}})
        if c.claims["role"] != "admin" and event["chapter_id"] not in c.claims.get("chapters", []):
            return httpx.Response(403, json={"error": {"code": "forbidden", "message": "your chapters only"}})
        sent = self.messages.setdefault(event_id, [])
        if c.method == "GET":
            return list(reversed(sent))
        if again := next((m for m in sent if m["message_id"] == c.body["message_id"]), None):
            return again
        if event["state"] == "cancelled":
            return httpx.Response(409, json={"error": {"code": "event_cancelled", "message": "cancelled"}})
        held = ("confirmed",) if c.body["to"] == "seated" else ("confirmed", "waitlisted")
        message = {**c.body, "scheduled_event_id": event_id, "sent_by": c.claims.get("person_id"),
                   "sent_at": "2026-12-08T15:00:00+00:00",
                   "recipients": sum(r["status"] in held for r in self.roster[event_id])}
        sent.append(message)
        return httpx.Response(201, json=message)

    def _send_again(self, c: Call, delivery_id: str) -> httpx.Response:
        """As the service: the chapter's coordinator or an administrator; a failed or unconfirmed email only, and
        never an email change."""
        d = next((d for d in self.deliveries if d["id"] == delivery_id), None)
        if d is None:
            return httpx.Response(404, json={"error": {"code": "not_found", "message": "no such notification"}})
        if c.claims["role"] != "admin" and d["chapter_id"] not in c.claims.get("chapters", []):
            return httpx.Response(403, json={"error": {"code": "forbidden", "message": "your chapters only"}})
        code = ("nothing_to_send_again" if d["status"] not in ("failed", "unconfirmed")
                else "link_not_kept" if d["kind"] == "email_change" else None)
        if code:
            return httpx.Response(409, json={"error": {"code": code, "message": code}})
        d.update(status="pending", attempts=0, last_error=None, sent_again_at="2026-03-05T12:00:00+00:00",
                 sent_again_by=c.claims.get("person_id"))
        return httpx.Response(202, json=d)


class FakeLinks:
    def __init__(self) -> None:
        self.links: list[SignInLink] = []

    async def add(self, link: SignInLink) -> None:
        self.links.append(link)


class FakeUnitOfWork:
    def __init__(self, links: FakeLinks) -> None:
        self.links = links
        self.committed = False

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(self, *exc) -> None:
        return None

    async def commit(self) -> None:
        self.committed = True


class FakeMailer:
    def __init__(self) -> None:
        self.sent: list[dict] = []

    async def send(self, to: str, subject: str, text: str, html: str, *, language: str) -> bool:
        self.sent.append({"to": to, "subject": subject, "text": text, "html": html})
        return True


def console_app(services: Services, person_id: str, signed_in_at: datetime | None = None,
                ) -> tuple[FastAPI, FakeMailer, FakeLinks]:
    """The console's pages alone, signed in as `person_id` (the visit is given; sign-in has its own tests) at
    `signed_in_at` (just now unless given)."""
    app = FastAPI()
    for router in routers:
        app.include_router(router)
    tokens = ServiceTokens(KEYS.private_pem, 60)
    app.state.console_api = ConsoleApi(HttpxHttp(httpx.AsyncClient(transport=httpx.MockTransport(services.handle))),
                                       URLS, tokens)
    app.state.settings = SimpleNamespace(public_base_url="http://web.test")
    mailer, links = FakeMailer(), FakeLinks()
    app.state.mailer = mailer
    app.state.new_unit_of_work = lambda: FakeUnitOfWork(links)

    async def signed_in(request: Request) -> Visit:
        session = Session("digest", CSRF, datetime.now(UTC) + timedelta(hours=1), person_id=UUID(person_id),
                          chapter_id=UUID(services.chapter), stage="attending", timezone="America/Chicago",
                          signed_in_at=signed_in_at or datetime.now(UTC))
        return Visit(request, session, "session-id", negotiate(request.headers.get("accept-language")), CSRF)

    app.dependency_overrides[visit] = signed_in
    return app, mailer, links


def browser(app: FastAPI, language: str = "en") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web.test",
                             headers={"accept-language": language})


def as_(world: dict, who: str, language: str = "en", signed_in_at: datetime | None = None,
        ) -> tuple[httpx.AsyncClient, FakeMailer, FakeLinks]:
    """A browser signed in as one of the world's people (just now, unless `signed_in_at`), with the mail and sign-in
    links the console makes."""
    app, mailer, links = console_app(world["s"], world[who]["id"], signed_in_at)
    return browser(app, language), mailer, links


def make_world() -> dict:
    """Two chapters; in ours a program with a mentor, a mentee paired with them, someone waiting, a pending
    mentor enrolment, an event with a roster and a drafted round; in the other a program, a person and an event."""
    s = Services()
    coordinator = s.person("Carla Coordinator")
    admin = s.person("Ada Administrator")
    s.roles[coordinator["id"]] = {"administrator": False, "coordinator_of": [s.chapter]}
    s.roles[admin["id"]] = {"administrator": True, "coordinator_of": []}
    program = s.program("Into Medicine", s.chapter, pairing_mode="rounds")  # it has a drafted round
    other_program = s.program("Miami Mentors", s.other_chapter)
    mentor = s.person("Dr. Ana Reyes", enrollments=[{"id": "e1", "program_id": program["id"], "role": "mentor",
                                                     "approval": "approved", "withdrawn": False, "capacity": 2}])
    mentee = s.person("Ben Student", stage="undergraduate",
                      enrollments=[{"id": "e2", "program_id": program["id"], "role": "mentee",
                                    "approval": "not_required", "withdrawn": False, "capacity": 1}])
    waiting = s.person("Cleo Waiting", stage="undergraduate")
    stranger = s.person("Sam Elsewhere", s.other_chapter)
    pairing = s.pairing(program, mentee, mentor, overdue=True, last_met_at="2026-01-20T12:00:00+00:00")
    s.waitlist.append({"enrollment_id": "e3", "person_id": waiting["id"], "pairing_kind": "general", "position": 1,
                       "waiting_since": "2026-02-01T12:00:00+00:00", "program_id": program["id"]})
    s.enrollments[E9] = {"id": E9, "person_id": mentor["id"], "program_id": program["id"], "role": "mentor",
                           "approval": "pending", "capacity": 2, "chapter_id": s.chapter,
                           "display_name": mentor["display_name"], "enrolled_at": "2026-12-01T09:00:00+00:00"}
    event = s.event("Suturing workshop")
    s.roster[event["id"]] = [
        {"id": "r1", "person_id": mentee["id"], "status": "confirmed", "checked_in_at": None},
        {"id": "r2", "person_id": waiting["id"], "status": "waitlisted", "waitlist_position": 1},
        {"id": "r3", "person_id": mentor["id"], "status": "confirmed", "checked_in_at": None},
    ]
    other_event = s.event("Miami mixer", s.other_chapter)
    s.rounds[ROUND] = {"id": ROUND, "program_id": program["id"], "status": "draft", "progress": 100,
                          "requested_at": "2026-03-01T12:00:00+00:00", "paired": 1,
                          "pairs": [{"mentee_id": mentee["id"], "mentor_id": mentor["id"], "score": 87,
                                     "reason_codes": ["specialty_overlap", "same_time_zone"]}],
                          "unpaired": [{"mentee_id": waiting["id"], "reason_code": "mentors_full"}]}
    s.delivery(mentee, "pairing_confirmed", "failed", "2026-03-02T12:00:00+00:00",
               last_error="SMTPRecipientsRefused: 550 mailbox unavailable")
    s.delivery(waiting, "registration_confirmed", "unconfirmed", "2026-03-03T12:00:00+00:00")
    s.delivery(mentor, "welcome", "sent", "2026-03-01T12:00:00+00:00")
    s.delivery(stranger, "welcome", "failed", "2026-03-04T12:00:00+00:00")
    return {"s": s, "coordinator": coordinator, "admin": admin, "program": program, "other_program": other_program,
            "mentor": mentor, "mentee": mentee, "waiting": waiting, "stranger": stranger, "pairing": pairing,
            "event": event, "other_event": other_event}


def enrolled_since_shown(world) -> dict:
    """A program someone enrolled in after its settings page was shown: the page offered who may see who takes part,
    which profiles then keeps as it is."""
    s = world["s"]
    program = s.program("Quiet Circle", s.chapter)
    s.enrollments["9a7e0c4e-2b51-4c8e-9d55-3f1f4b0c0a11"] = {
        **s.enrollments[E9], "id": "9a7e0c4e-2b51-4c8e-9d55-3f1f4b0c0a11", "program_id": program["id"]}
    s.enrolled_since_shown.add(program["id"])
    return program


def pages(world) -> list[str]:
    program, event = world["program"]["id"], world["event"]["id"]
    return ["/console", "/console/people", f"/console/people/{world['mentee']['id']}", "/console/vetting",
            "/console/programs", f"/console/programs/{program}", f"/console/programs/{program}/settings",
            f"/console/programs/{program}/invite",
            f"/console/programs/{program}/rounds", f"/console/rounds/{ROUND}",
            f"/console/pairings/{world['pairing']['id']}", "/console/events", "/console/events/new",
            f"/console/events/{event}", f"/console/events/{event}/edit", f"/console/events/{event}/check-in",
            f"/console/events/{event}/cancel", f"/console/events/{event}/message", f"/console/events/new?from={event}",
            "/console/reports", "/console/emails"]


def admin_pages(world) -> list[str]:
    """The pages of national administrators only."""
    return ["/console/chapters", f"/console/chapters/{world['s'].chapter}", "/console/audit"]
