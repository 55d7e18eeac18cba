"""What the console adds to the domain: staff roles, invitations read from a coordinator's CSV file. Pure: no I/O."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from email_validator import EmailNotValidError, validate_email
from mentorship_contracts.vocabulary import Role, TrainingStage
from plumbing.errors import Conflict, Forbidden

from .model import Program


class LastAdministrator(Conflict, code="last_administrator"):
    """The platform keeps at least one national administrator: someone must be able to grant roles."""


class CannotSuspendYourself(Conflict, code="cannot_suspend_yourself"):
    """Staff do not suspend their own account: a suspended person cannot sign in to reinstate themself, and the only
    national administrator, suspended, would leave no one able to reinstate anyone."""


class CannotEraseYourself(Conflict, code="cannot_erase_yourself"):
    """Staff do not erase their own account from the console: a person erases their own from "My data" (where the
    last national administrator is refused too, `LastAdministrator`)."""


class AdministratorsCall(Forbidden, code="forbidden"):
    """An account a coordinator does not suspend or reinstate: staff's (else a coordinator could silence an
    administrator, or their fellow coordinators), or one an administrator suspended."""


@dataclass
class StaffRoles:
    """What a person may do in the console: everything (a national administrator), or their chapters'."""

    person_id: UUID
    administrator: bool = False
    coordinator_of: set[UUID] = field(default_factory=set)

    @property
    def held(self) -> bool:
        """Whether the person holds any staff role."""
        return self.administrator or bool(self.coordinator_of)

    def grant_coordinator(self, chapter_id: UUID) -> bool:
        """Whether this changed anything (granting twice is no change)."""
        held = chapter_id in self.coordinator_of
        self.coordinator_of.add(chapter_id)
        return not held

    def revoke_coordinator(self, chapter_id: UUID) -> bool:
        held = chapter_id in self.coordinator_of
        self.coordinator_of.discard(chapter_id)
        return held

    def grant_administrator(self) -> bool:
        held, self.administrator = self.administrator, True
        return not held

    def revoke_administrator(self, active: Collection[UUID]) -> bool:
        """`active`: the national administrators able to act (not suspended), this person included if they are."""
        if not self.administrator:
            return False
        require_another_administrator(self.person_id, active,
                                      "the last national administrator keeps the role until another is granted it")
        self.administrator = False
        return True


def require_another_administrator(person_id: UUID, active: Collection[UUID], refusal: str) -> None:
    """Refuses (`LastAdministrator`) to stop the person acting as a national administrator (their role revoked,
    their account suspended or erased) when they are the only one able to: `active`, those not suspended. One
    suspended already is no loss: they act for no one until reinstated."""
    if person_id in active and len(active) <= 1:
        raise LastAdministrator(refusal, field="person_id")


@dataclass(frozen=True)
class Invitation:
    id: UUID
    person_id: UUID
    program_id: UUID
    chapter_id: UUID | None
    role: Role
    stage: TrainingStage
    invited_at: datetime

    @classmethod
    def issue(cls, person_id: UUID, program: Program, role: Role, stage: TrainingStage, at: datetime) -> Invitation:
        return cls(uuid4(), person_id, program.id, program.chapter_id, role, stage, at)


MAX_ROWS = 1000
COLUMNS = ("name", "email", "stage")
# An optional column: the language to register someone new in (their invitation and every email after it), by its
# code or its name in English or Spanish, as a coordinator's spreadsheet may say it.
LANGUAGES = {"en": "en", "english": "en", "inglés": "en", "ingles": "en",
             "es": "es", "spanish": "es", "español": "es", "espanol": "es"}
NAME_LENGTH, EMAIL_LENGTH = 200, 320


@dataclass(frozen=True)
class Problem:
    field: str  # name, email, stage, language or row
    code: str


@dataclass
class InvitationRow:
    """One line of the file, read and checked; `already` is for the caller to say (invited or enrolled)."""

    line: int
    name: str | None
    email: str | None
    stage: str | None
    problems: list[Problem] = field(default_factory=list)
    already: str | None = None
    language: str | None = None  # `en` or `es` once checked; not said: None

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def training_stage(self) -> TrainingStage:
        assert self.stage is not None, "a valid row names its stage"
        return TrainingStage(self.stage)


def _has_control_characters(value: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value)


def read_invitations(text: str, program: Program, role: Role) -> list[InvitationRow]:
    """The rows of a `name,email,stage` file (columns in any order, headers in any case), each checked. A file that
    cannot be read as such (a column missing, too many rows, a line the csv module cannot read) answers one row that
    says so, and nothing valid."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        return _read(reader, program, role)
    except csv.Error:
        # A field past the module's limit (131,072 characters, less than a file may hold), say.
        return [InvitationRow(reader.line_num, None, None, None, [Problem("row", "unreadable")])]


def _read(reader: Iterator[list[str]], program: Program, role: Role) -> list[InvitationRow]:
    header = next(reader, [])
    names = [h.strip().lower() for h in header]
    if missing := [Problem(column, "missing_column") for column in COLUMNS if column not in names]:
        return [InvitationRow(1, None, None, None, missing)]
    index = {column: names.index(column) for column in (*COLUMNS, "language") if column in names}
    rows: list[InvitationRow] = []
    seen: set[str] = set()
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line says nothing
        if len(rows) == MAX_ROWS:
            return [InvitationRow(line_number, None, None, None, [Problem("row", "too_many_rows")])]
        values = {c: (cells[i].strip() if i < len(cells) else "") or None for c, i in index.items()}
        row = InvitationRow(line_number, values["name"], values["email"], values["stage"],
                            language=values.get("language"))
        _check(row, program, role, seen)
        rows.append(row)
    return rows


# How advisors' and schools' spreadsheets write stages, besides the platform's own words.
_STAGE_ABBREVIATIONS = {
    "hs": TrainingStage.HIGH_SCHOOL, "highschool": TrainingStage.HIGH_SCHOOL,
    "high_school_student": TrainingStage.HIGH_SCHOOL,
    "undergrad": TrainingStage.UNDERGRADUATE, "undergraduate_student": TrainingStage.UNDERGRADUATE,
    "post_bacc": TrainingStage.POST_BACCALAUREATE, "postbacc": TrainingStage.POST_BACCALAUREATE,
    "post_bac": TrainingStage.POST_BACCALAUREATE, "postbac": TrainingStage.POST_BACCALAUREATE,
    **{f"{prefix}{year}": TrainingStage(f"medical_student_{year}")
       for prefix in ("ms", "ms_", "m", "m_", "med_student_", "medical_student_year_") for year in range(1, 5)},
    **{f"pgy{year}": TrainingStage.RESIDENT for year in range(1, 8)},
    **{f"pgy_{year}": TrainingStage.RESIDENT for year in range(1, 8)},
    "intern": TrainingStage.RESIDENT, "attending_physician": TrainingStage.ATTENDING,
}


def stage_written(written: str) -> TrainingStage | None:
    """The stage a cell names, in the platform's words ("post_baccalaureate") or an abbreviation ("Post-bacc", "MS2",
    "PGY-1"), whatever its case, spaces and hyphens; None for one it does not name (left for the inviter to fix: a
    guess would enroll someone at a stage they are not)."""
    key = "_".join("".join(c if c.isalnum() else " " for c in written.lower()).split())
    try:
        return TrainingStage(key)
    except ValueError:
        return _STAGE_ABBREVIATIONS.get(key)


def _check(row: InvitationRow, program: Program, role: Role, seen: set[str]) -> None:
    for name, value, length in (("name", row.name, NAME_LENGTH), ("email", row.email, EMAIL_LENGTH),
                                ("stage", row.stage, 100)):
        if value is None:
            row.problems.append(Problem(name, "required"))
        elif _has_control_characters(value):
            row.problems.append(Problem(name, "control_characters"))
        elif len(value) > length:
            row.problems.append(Problem(name, "too_long"))
    if row.email is not None and not any(p.field == "email" for p in row.problems):
        try:
            validate_email(row.email, check_deliverability=False)
        except EmailNotValidError:
            row.problems.append(Problem("email", "invalid_email"))
        else:
            if row.email.lower() in seen:
                row.problems.append(Problem("email", "duplicate_in_file"))
            seen.add(row.email.lower())
    if row.stage is not None and not any(p.field == "stage" for p in row.problems):
        stage = stage_written(row.stage)
        if stage is None:
            row.problems.append(Problem("stage", "unknown_stage"))
        else:
            row.stage = stage.value
            if stage not in program.eligible_stages(role):
                row.problems.append(Problem("stage", "stage_not_eligible"))
    if row.language is not None:
        if row.language.lower() in LANGUAGES:
            row.language = LANGUAGES[row.language.lower()]
        else:
            row.problems.append(Problem("language", "unknown_language"))
