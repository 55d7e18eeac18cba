"""Sign-in by email link, with in-memory tables: the same answer for a known and an unknown address, single use,
a lifetime, rate limits, a new session at each sign-in, everyone signed out at erasure."""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from mentorship_contracts import profiles
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.testing import FakeUnitOfWork
from web.domain.sign_in import (
    CODE_TRIES,
    CODE_TRIES_PER_ADDRESS,
    CODE_WINDOW,
    AccountSuspended,
    CodeUsedUp,
    EmailNotVerified,
    LinkNotUsable,
    NotOneAddress,
    OidcAttempt,
    ProviderSignInFailed,
    Session,
    SignInEmailNotSent,
    SignInLink,
    TooManyLinks,
    WrongCode,
    digest,
)
from web.service_layer import sign_in

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
KNOWN = "known@example.org"


class FakeLinks:
    def __init__(self) -> None:
        self.links: dict[str, SignInLink] = {}
        self.requests: list[tuple[str, datetime, str]] = []
        self.followed: set[str] = set()

    async def add(self, link: SignInLink) -> None:
        self.links[link.digest] = link

    async def get(self, key: str, lock: bool = False) -> SignInLink | None:
        return self.links.get(key)

    async def mark_used(self, key: str, at: datetime) -> None:
        self.links[key] = replace(self.links[key], used_at=at)
        self.followed.add(key)

    async def count_recent(self, key: str, since: datetime) -> int:
        return sum(1 for k, at, link in self.requests if k == key and at > since and link not in self.followed)

    async def note_request(self, key: str, at: datetime, link_digest: str) -> None:
        self.requests.append((key, at, link_digest))

    async def newest_asked_by(self, browser: str, lock: bool = False) -> SignInLink | None:
        asked = [link for link in self.links.values() if link.asked_by == browser]
        return max(asked, key=lambda link: link.expires_at) if asked else None

    async def note_wrong_code(self, key: str) -> int:
        self.links[key] = replace(self.links[key], code_tries=self.links[key].code_tries + 1)
        return self.links[key].code_tries

    async def forget_person(self, person_id: UUID) -> None:
        theirs = {k for k, link in self.links.items() if link.person_id == person_id}
        self.links = {k: link for k, link in self.links.items() if k not in theirs}
        self.requests = [(k, at, link) for k, at, link in self.requests if link not in theirs]

    async def forget_expired(self, now: datetime, requests_before: datetime) -> int:
        gone = [k for k, link in self.links.items() if link.expires_at <= now]
        for k in gone:
            del self.links[k]
        self.requests = [(k, at, link) for k, at, link in self.requests if at > requests_before]
        return len(gone)


class FakeSessions:
    def __init__(self) -> None:
        self.rows: dict[str, Session] = {}

    async def add(self, session: Session) -> None:
        self.rows[session.digest] = copy.deepcopy(session)

    async def get(self, key: str) -> Session | None:
        return copy.deepcopy(self.rows.get(key))

    async def save(self, session: Session) -> None:
        self.rows[session.digest] = copy.deepcopy(session)

    async def remove(self, key: str) -> None:
        self.rows.pop(key, None)

    async def remove_person(self, person_id: UUID, keep: str | None = None) -> int:
        gone = [k for k, s in self.rows.items() if s.person_id == person_id and k != keep]
        for k in gone:
            del self.rows[k]
        return len(gone)

    async def update_person(self, person_id: UUID, chapter_id: UUID | None, stage: str, is_alumni: bool,
                            language: str | None = None, timezone: str | None = None) -> None:
        for s in self.rows.values():
            if s.person_id == person_id:
                s.chapter_id, s.stage, s.is_alumni = chapter_id, stage, is_alumni
                s.language, s.timezone = language or s.language, timezone or s.timezone

    async def roles_changed(self, person_id: UUID) -> None:
        for s in self.rows.values():
            if s.person_id == person_id:
                s.roles_stale = True

    async def forget_expired(self, now: datetime) -> int:
        gone = [k for k, s in self.rows.items() if s.expires_at <= now]
        for k in gone:
            del self.rows[k]
        return len(gone)


class FakeOidcAttempts:
    def __init__(self) -> None:
        self.rows: dict[str, OidcAttempt] = {}

    async def add(self, attempt: OidcAttempt) -> None:
        self.rows[attempt.state_digest] = attempt

    async def take(self, key: str) -> OidcAttempt | None:
        return self.rows.pop(key, None)

    async def forget_expired(self, now: datetime) -> int:
        gone = [k for k, a in self.rows.items() if a.expires_at <= now]
        for k in gone:
            del self.rows[k]
        return len(gone)


class Directory:
    def __init__(self) -> None:
        self.person = {"id": str(uuid4()), "chapter_id": None, "stage": "undergraduate", "preferred_language": "es",
                       "timezone": "America/Chicago"}

    async def find_person_by_email(self, email: str):
        return self.person if email.lower() == KNOWN else None


class Mailer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str, str]] = []
        self.refusing = False

    async def send(self, to: str, subject: str, text: str, html: str, *, language: str) -> bool:
        if self.refusing:
            return False
        self.sent.append((to, subject, text, html))
        return True


@pytest.fixture
def uow():
    return FakeUnitOfWork(links=FakeLinks(), sessions=FakeSessions(), oidc=FakeOidcAttempts())


@pytest.fixture
def world(uow):
    directory, mailer = Directory(), Mailer()

    async def ask(email: str, client: str = "10.0.0.1", at: datetime = NOW, back_to: str = "/",
                  browser: str = "the-browser-that-asked") -> str:
        """Ask for a link; returns the secret the email carried (its code: the html part, here)."""
        await sign_in.request_link(
            email, client, "en", at, uow, directory=directory, mailer=mailer, back_to=back_to, browser=browser,
            compose=lambda language, url, known, code: (f"{language}:{known}", url, code), link_url=lambda s: s,
            lifetime=timedelta(minutes=15), limit_per_address=3, limit_per_client=5)
        return mailer.sent[-1][2]

    return ask, directory, mailer


async def test_a_known_and_an_unknown_address_both_get_a_link_only_the_known_one_to_sign_in(uow, world):
    ask, directory, mailer = world
    await ask(KNOWN)
    await ask("new@example.org")
    assert [(to, subject) for to, subject, _, _ in mailer.sent] == [
        (KNOWN, "es:True"), ("new@example.org", "en:False")]  # the person's own language for a known address


async def test_a_link_the_mail_server_refused_is_said_to_be_unsent_for_a_known_and_an_unknown_address_alike(uow, world):
    ask, _, mailer = world
    mailer.refusing = True
    for address in (KNOWN, "stranger@example.org"):
        with pytest.raises(SignInEmailNotSent):
            await ask(address)
    assert mailer.sent == []


async def test_only_the_digest_of_a_link_is_kept_and_the_link_carries_nothing_but_randomness(uow, world):
    ask, _, _ = world
    secret = await ask(KNOWN)
    assert len(secret) >= 43 and KNOWN not in secret
    assert list(uow.links.links) == [digest(secret)]


async def test_a_link_signs_in_once_and_opens_a_session_from_what_profiles_says(uow, world):
    ask, directory, _ = world
    secret = await ask(KNOWN)
    session_id, session, _ = await sign_in.redeem_link(secret, None, NOW, uow, directory=directory,
                                                    idle=timedelta(days=1))
    assert session.person_id == UUID(directory.person["id"]) and session.language == "es"
    assert session.email is None and list(uow.sessions.rows) == [digest(session_id)]
    with pytest.raises(LinkNotUsable):
        await sign_in.redeem_link(secret, None, NOW, uow, directory=directory, idle=timedelta(days=1))


async def test_a_link_leads_where_the_person_was_going_when_they_asked_for_it_in_whichever_browser_opens_it(uow, world):
    ask, directory, _ = world
    secret = await ask(KNOWN, back_to="/events/e1?from=list")
    *_, back_to = await sign_in.redeem_link(secret, None, NOW, uow, directory=directory, idle=timedelta(days=1))
    assert back_to == "/events/e1?from=list"  # kept with the link, not in a cookie of the browser that asked


async def test_an_unknown_address_signs_in_to_finish_signing_up(uow, world):
    ask, directory, _ = world
    secret = await ask("new@example.org")
    _, session, _ = await sign_in.redeem_link(secret, None, NOW, uow, directory=directory, idle=timedelta(days=1))
    assert session.person_id is None and session.email == "new@example.org"


async def test_a_link_older_than_its_lifetime_does_not_sign_in(uow, world):
    ask, directory, _ = world
    secret = await ask(KNOWN)
    assert not await sign_in.usable_link(secret, NOW + timedelta(minutes=15), uow)
    with pytest.raises(LinkNotUsable):
        await sign_in.redeem_link(secret, None, NOW + timedelta(minutes=15), uow, directory=directory,
                                  idle=timedelta(days=1))


async def test_looking_at_a_link_uses_nothing_up(uow, world):
    ask, directory, _ = world
    secret = await ask(KNOWN)
    assert await sign_in.usable_link(secret, NOW, uow) and await sign_in.usable_link(secret, NOW, uow)
    await sign_in.redeem_link(secret, None, NOW, uow, directory=directory, idle=timedelta(days=1))


async def test_signing_in_closes_the_browsers_previous_session(uow, world):
    ask, directory, _ = world
    first, _, _ = await sign_in.redeem_link(await ask(KNOWN), None, NOW, uow, directory=directory,
                                         idle=timedelta(days=1))
    second, _, _ = await sign_in.redeem_link(await ask(KNOWN), first, NOW, uow, directory=directory,
                                          idle=timedelta(days=1))
    assert second != first and list(uow.sessions.rows) == [digest(second)]


def typed_code(mailer) -> str:
    return mailer.sent[-1][3]


def not_the(code: str) -> str:
    """A code of six digits that is not `code` (typed with or without its space)."""
    return f"{(int(code.replace(' ', '')) + 1) % 1_000_000:06d}"


async def test_the_code_in_the_email_signs_in_the_browser_that_asked_for_it_once_and_uses_the_link_up(uow, world):
    ask, directory, mailer = world
    secret = await ask(KNOWN, back_to="/console", browser="hospital-workstation")
    code = typed_code(mailer)
    assert re.fullmatch(r"\d{6}", code)
    session_id, session, back_to = await sign_in.redeem_code(code, "hospital-workstation", None, NOW, uow,
                                                             directory=directory, idle=timedelta(days=1))
    assert session.person_id == UUID(directory.person["id"]) and back_to == "/console"
    assert list(uow.sessions.rows) == [digest(session_id)]
    with pytest.raises(LinkNotUsable):
        await sign_in.redeem_code(code, "hospital-workstation", None, NOW, uow, directory=directory,
                                  idle=timedelta(days=1))
    with pytest.raises(LinkNotUsable):
        await sign_in.redeem_link(secret, None, NOW, uow, directory=directory, idle=timedelta(days=1))


async def test_the_code_signs_in_no_browser_but_the_one_that_asked(uow, world):
    ask, directory, mailer = world
    await ask(KNOWN, browser="hospital-workstation")
    with pytest.raises(LinkNotUsable):
        await sign_in.redeem_code(typed_code(mailer), "somebody-elses-browser", None, NOW, uow, directory=directory,
                                  idle=timedelta(days=1))
    assert not uow.sessions.rows


async def test_a_wrong_code_says_how_many_tries_are_left_and_after_five_the_code_is_used_up_but_the_link_still_works(
        uow, world):
    ask, directory, mailer = world
    secret = await ask(KNOWN)
    code = typed_code(mailer)
    wrong = not_the(code)
    left = []
    for _ in range(CODE_TRIES - 1):
        with pytest.raises(WrongCode) as refused:
            await sign_in.redeem_code(wrong, "the-browser-that-asked", None, NOW, uow, directory=directory,
                                      idle=timedelta(days=1))
        left.append(refused.value.tries_left)
    assert left == [4, 3, 2, 1]
    with pytest.raises(CodeUsedUp):
        await sign_in.redeem_code(wrong, "the-browser-that-asked", None, NOW, uow, directory=directory,
                                  idle=timedelta(days=1))
    with pytest.raises(CodeUsedUp):  # the right one too, now
        await sign_in.redeem_code(code, "the-browser-that-asked", None, NOW, uow, directory=directory,
                                  idle=timedelta(days=1))
    _, session, _ = await sign_in.redeem_link(secret, None, NOW, uow, directory=directory, idle=timedelta(days=1))
    assert session.person_id == UUID(directory.person["id"])


async def test_an_address_whose_codes_were_guessed_wrong_ten_times_in_a_day_signs_in_by_its_links_alone(uow, world):
    # Five wrong codes a link, five links a quarter of an hour: without a budget per address, someone asking for
    # links to another's address from their own browser would have 2,400 guesses a day.
    ask, directory, mailer = world
    at = NOW
    for _ in range(CODE_TRIES_PER_ADDRESS // CODE_TRIES):
        await ask(KNOWN, at=at)
        code = typed_code(mailer)
        for _ in range(CODE_TRIES):
            with pytest.raises((WrongCode, CodeUsedUp)):
                await sign_in.redeem_code(not_the(code), "the-browser-that-asked", None, at,
                                          uow, directory=directory, idle=timedelta(days=1))
        at += timedelta(hours=1)
    secret = await ask(KNOWN, at=at)
    with pytest.raises(CodeUsedUp):
        await sign_in.redeem_code(typed_code(mailer), "the-browser-that-asked", None, at, uow, directory=directory,
                                  idle=timedelta(days=1))
    await sign_in.redeem_link(secret, None, at, uow, directory=directory, idle=timedelta(days=1))
    await ask(KNOWN, at=NOW + CODE_WINDOW + timedelta(hours=2))  # a day after the first wrong ones: codes again
    await sign_in.redeem_code(typed_code(mailer), "the-browser-that-asked", None, NOW + CODE_WINDOW + timedelta(hours=2),
                              uow, directory=directory, idle=timedelta(days=1))


async def test_only_the_newest_emails_code_signs_in_and_none_after_the_links_lifetime(uow, world):
    ask, directory, mailer = world
    await ask(KNOWN)
    first = typed_code(mailer)
    await ask(KNOWN, at=NOW + timedelta(minutes=1))
    newest = typed_code(mailer)
    if first != newest:
        with pytest.raises(WrongCode):
            await sign_in.redeem_code(first, "the-browser-that-asked", None, NOW, uow, directory=directory,
                                      idle=timedelta(days=1))
    with pytest.raises(LinkNotUsable):
        await sign_in.redeem_code(newest, "the-browser-that-asked", None, NOW + timedelta(minutes=16), uow,
                                  directory=directory, idle=timedelta(days=1))
    await sign_in.redeem_code(newest, "the-browser-that-asked", None, NOW, uow, directory=directory,
                              idle=timedelta(days=1))


async def test_neither_the_code_nor_the_browser_that_asked_is_kept_only_digests_that_need_both(uow, world):
    ask, _, mailer = world
    secret = await ask(KNOWN, browser="hospital-workstation")
    link = uow.links.links[digest(secret)]
    code = typed_code(mailer)
    assert link.asked_by == digest("hospital-workstation")
    assert code not in (link.code_digest or "") and link.code_digest not in (digest(code), None)


async def test_links_are_limited_per_address_and_per_client_within_a_quarter_of_an_hour(uow, world):
    ask, _, mailer = world
    for _ in range(3):
        await ask(KNOWN)
    with pytest.raises(TooManyLinks):
        await ask(KNOWN.upper(), client="elsewhere")  # the same address, whatever its case, from anywhere
    for n in range(5):
        await ask(f"other{n}@example.org", client="busy")
    with pytest.raises(TooManyLinks):
        await ask("yet.another@example.org", client="busy")  # the sixth from this client
    await ask(KNOWN, client="later", at=NOW + timedelta(minutes=16))
    assert len(mailer.sent) == 9


async def test_a_hall_of_students_on_one_network_who_each_follow_their_link_are_not_limited_by_their_number(
        uow, world):
    # A career fair's Wi-Fi, a hospital's or a university's: one client address for everyone. The client's limit is
    # for links asked for and never followed (someone trying addresses, or flooding mailboxes), not for sign-ins.
    ask, directory, mailer = world
    for n in range(12):
        secret = await ask(f"student{n}@example.org", client="fair-wifi")
        await sign_in.redeem_link(secret, None, NOW, uow, directory=directory, idle=timedelta(hours=1))
    for n in range(5):
        await ask(f"unfollowed{n}@example.org", client="fair-wifi")
    with pytest.raises(TooManyLinks):
        await ask("one.more@example.org", client="fair-wifi")  # five links nobody followed
    assert len(mailer.sent) == 17


async def test_a_person_signing_in_on_each_of_their_devices_is_not_limited_by_the_links_they_followed(uow, world):
    ask, directory, _ = world
    for device in ("phone", "laptop", "tablet", "hospital desktop"):
        secret = await ask(KNOWN, client=device)
        await sign_in.redeem_link(secret, None, NOW, uow, directory=directory, idle=timedelta(hours=1))
    await ask(KNOWN, client="phone")


@pytest.mark.parametrize("typed", [
    "a@example.org,b@example.org", "a@example.org; b@example.org", "Ana <a@example.org>", "a@example.org b@example.org",
    "not-an-address", "@example.org", "a@",
])
async def test_a_link_goes_to_one_address_only_and_nothing_else_is_sent(uow, world, typed):
    ask, _, mailer = world
    with pytest.raises(NotOneAddress):
        await ask(typed)
    assert mailer.sent == []


async def test_an_address_is_limited_however_it_is_written(uow, world):
    ask, _, mailer = world
    for written in (KNOWN, f"  {KNOWN}  ", KNOWN.replace("example.org", "EXAMPLE.ORG")):
        await ask(written, client=written)
    with pytest.raises(TooManyLinks):
        await ask(KNOWN.upper(), client="elsewhere")
    assert [to for to, *_ in mailer.sent] == [KNOWN] * 3  # each sent to the address alone, as written in it


async def test_erasure_and_sign_out_end_sessions_and_an_update_reaches_the_next_tokens(uow, world):
    ask, directory, _ = world
    person_id = UUID(directory.person["id"])
    one, _, _ = await sign_in.redeem_link(await ask(KNOWN), None, NOW, uow, directory=directory, idle=timedelta(days=1))
    two, _, _ = await sign_in.redeem_link(await ask(KNOWN, client="b"), None, NOW, uow, directory=directory,
                                       idle=timedelta(days=1))
    chapter = uuid4()
    await sign_in.person_updated(profiles.PersonUpdatedV2(person_id=person_id, chapter_id=chapter, is_alumni=True,
                                                          stage=TrainingStage.MEDICAL_STUDENT_1), uow)
    updated = await sign_in.find_session(one, NOW, uow)
    assert (updated.chapter_id, updated.is_alumni) == (chapter, True)
    await sign_in.sign_out(one, uow)
    assert await sign_in.find_session(one, NOW, uow) is None and await sign_in.find_session(two, NOW, uow)
    await sign_in.person_erased(profiles.PersonErasedV2(person_id=person_id), uow)
    assert uow.sessions.rows == {}


async def test_erasure_forgets_the_sign_in_links_mailed_to_the_person_and_keeps_the_others(uow, world):
    ask, directory, _ = world
    unused = await ask(KNOWN)
    await ask("someone.else@example.org")
    await sign_in.person_erased(profiles.PersonErasedV2(person_id=UUID(directory.person["id"])), uow)
    assert [link.email for link in uow.links.links.values()] == ["someone.else@example.org"]
    assert not await sign_in.usable_link(unused, NOW, uow)
    # Their rate-limit entries too, kept a day for the wrong codes, each holding the digest of their address.
    assert {link for _, _, link in uow.links.requests} == set(uow.links.links)


async def test_details_the_person_saves_on_one_device_reach_every_device_they_are_signed_in_on(uow, world):
    ask, directory, _ = world
    phone, here, _ = await sign_in.redeem_link(await ask(KNOWN), None, NOW, uow, directory=directory,
                                            idle=timedelta(days=1))
    laptop, _, _ = await sign_in.redeem_link(await ask(KNOWN, client="b"), None, NOW, uow, directory=directory,
                                          idle=timedelta(days=1))
    chapter = uuid4()
    saved = {**directory.person, "chapter_id": str(chapter), "stage": "medical_student_1", "preferred_language": "en",
             "timezone": "Europe/Madrid", "is_alumni": True}
    await sign_in.profile_saved(here, saved, uow)
    for device in (phone, laptop):
        session = await sign_in.find_session(device, NOW, uow)
        assert (session.chapter_id, session.stage, session.language, session.timezone, session.is_alumni) == \
            (chapter, "medical_student_1", "en", "Europe/Madrid", True)


async def test_expired_links_sessions_and_rate_entries_are_forgotten(uow, world):
    ask, directory, _ = world
    session_id, _, _ = await sign_in.redeem_link(await ask(KNOWN), None, NOW, uow, directory=directory,
                                              idle=timedelta(hours=1))
    await sign_in.forget_expired(NOW + timedelta(hours=2), uow)
    assert uow.links.links == {} and uow.sessions.rows == {}
    assert uow.links.requests, "kept a day: wrong codes count against an address for that long"
    await sign_in.forget_expired(NOW + CODE_WINDOW + timedelta(minutes=1), uow)
    assert uow.links.requests == []
    assert await sign_in.find_session(session_id, NOW, uow) is None


async def test_a_session_keeps_the_staff_roles_profiles_gave_at_sign_in_and_none_when_it_gave_none(uow, world):
    ask, directory, _ = world
    _, plain, _ = await sign_in.redeem_link(await ask(KNOWN), None, NOW, uow, directory=directory, idle=timedelta(days=1))
    assert not plain.staff and plain.coordinator_of == ()
    chapter = uuid4()
    directory.person["roles"] = {"administrator": False, "coordinator_of": [str(chapter)]}
    session_id, staff, _ = await sign_in.redeem_link(await ask(KNOWN), None, NOW, uow, directory=directory,
                                                  idle=timedelta(days=1))
    kept = await sign_in.find_session(session_id, NOW, uow)
    assert staff.staff and kept.coordinator_of == (chapter,) and not kept.administrator


async def test_a_change_of_roles_marks_every_session_of_the_person_to_read_them_again(uow, world):
    ask, directory, _ = world
    directory.person["roles"] = {"administrator": True, "coordinator_of": []}
    session_id, _, _ = await sign_in.redeem_link(await ask(KNOWN), None, NOW, uow, directory=directory,
                                              idle=timedelta(days=1))
    await sign_in.staff_roles_changed(profiles.StaffRolesChanged(person_id=UUID(directory.person["id"])), uow)
    stale = await sign_in.find_session(session_id, NOW, uow)
    assert stale.roles_stale
    await sign_in.refresh_roles(stale, {"administrator": False, "coordinator_of": []}, uow)
    fresh = await sign_in.find_session(session_id, NOW, uow)
    assert not fresh.roles_stale and not fresh.staff


async def test_a_suspension_ends_every_session_and_a_suspended_person_cannot_sign_in(uow, world):
    ask, directory, _ = world
    person_id = UUID(directory.person["id"])
    one, _, _ = await sign_in.redeem_link(await ask(KNOWN), None, NOW, uow, directory=directory, idle=timedelta(days=1))
    two, _, _ = await sign_in.redeem_link(await ask(KNOWN, client="b"), None, NOW, uow, directory=directory,
                                       idle=timedelta(days=1))
    await sign_in.person_suspended(profiles.PersonSuspended(person_id=person_id), uow)
    assert await sign_in.find_session(one, NOW, uow) is None and await sign_in.find_session(two, NOW, uow) is None
    directory.person["suspended"] = True
    secret = await ask(KNOWN, client="c")
    with pytest.raises(AccountSuspended):
        await sign_in.redeem_link(secret, None, NOW, uow, directory=directory, idle=timedelta(days=1))
    assert uow.sessions.rows == {}


class Provider:
    """The provider port as the web app's adapter answers it: the state it was sent to, then the claims."""

    def __init__(self, claims: dict) -> None:
        self.claims_given = claims
        self.asked: list[tuple[str, str, str]] = []

    async def authorization_url(self, state: str, nonce: str, code_verifier: str) -> str:
        self.asked.append((state, nonce, code_verifier))
        return f"https://idp.example/authorize?state={state}"

    async def claims(self, code: str, code_verifier: str, nonce: str) -> dict:
        assert (nonce, code_verifier) == self.asked[-1][1:]
        return self.claims_given


async def provider_sign_in(uow, directory, provider, browser="browser-1", finishing_browser=None, at=NOW):
    await sign_in.begin_provider_sign_in(browser, "/events", NOW, uow, provider=provider)
    state = provider.asked[-1][0]
    return await sign_in.finish_provider_sign_in(state, "code", finishing_browser or browser, None, at, uow,
                                                 provider=provider, directory=directory, idle=timedelta(days=1))


async def test_a_provider_sign_in_keeps_only_digests_and_a_verifier_of_pkce_length(uow):
    provider = Provider({})
    await sign_in.begin_provider_sign_in("browser-1", "/", NOW, uow, provider=provider)
    state, nonce, verifier = provider.asked[-1]
    assert list(uow.oidc.rows) == [digest(state)] and 43 <= len(verifier) <= 128
    assert uow.oidc.rows[digest(state)].browser_digest == digest("browser-1")


async def test_a_verified_email_at_the_provider_opens_a_session_for_its_holder(uow):
    directory = Directory()
    provider = Provider({"sub": "1", "email": KNOWN, "email_verified": True})
    session_id, session, back_to = await provider_sign_in(uow, directory, provider)
    assert session.person_id == UUID(directory.person["id"]) and back_to == "/events"
    assert uow.oidc.rows == {} and list(uow.sessions.rows) == [digest(session_id)]


@pytest.mark.parametrize("claims", [{"email": KNOWN}, {"email": KNOWN, "email_verified": False},
                                    {"email": KNOWN, "email_verified": "yes"}, {"email_verified": True}])
async def test_an_email_the_provider_does_not_vouch_for_signs_no_one_in(uow, claims):
    with pytest.raises(EmailNotVerified):
        await provider_sign_in(uow, Directory(), Provider({"sub": "1", **claims}))
    assert uow.sessions.rows == {}


async def test_a_provider_sign_in_finishes_only_in_its_browser_once_and_in_time(uow):
    claims = {"sub": "1", "email": KNOWN, "email_verified": True}
    with pytest.raises(ProviderSignInFailed):
        await provider_sign_in(uow, Directory(), Provider(claims), finishing_browser="another")
    with pytest.raises(ProviderSignInFailed):
        await provider_sign_in(uow, Directory(), Provider(claims), at=NOW + timedelta(minutes=10))
    provider = Provider(claims)
    await provider_sign_in(uow, Directory(), provider)
    with pytest.raises(ProviderSignInFailed):
        await sign_in.finish_provider_sign_in(provider.asked[-1][0], "code", "browser-1", None, NOW, uow,
                                              provider=provider, directory=Directory(), idle=timedelta(days=1))


async def test_a_suspended_person_is_not_signed_in_by_the_provider_either(uow):
    directory = Directory()
    directory.person["suspended"] = True
    with pytest.raises(AccountSuspended):
        await provider_sign_in(uow, directory, Provider({"sub": "1", "email": KNOWN, "email_verified": True}))


async def test_a_session_in_use_stays_signed_in_and_one_left_idle_ends_after_its_idle_time(uow, world):
    ask, directory, _ = world
    idle = timedelta(days=14)
    used, _, _ = await sign_in.redeem_link(await ask(KNOWN), None, NOW, uow, directory=directory, idle=idle)
    left, _, _ = await sign_in.redeem_link(await ask(KNOWN), None, NOW, uow, directory=directory, idle=idle)

    async def in_use(session_id: str, at: datetime) -> tuple[Session | None, bool]:
        """As each request finds its session, and keeps it signed in."""
        found = await sign_in.find_session(session_id, at, uow)
        return found, found is not None and await sign_in.renew_session(found, at, idle, uow)

    for day in (10, 20, 30):  # used every ten days: never idle for fourteen
        found, renewed = await in_use(used, NOW + timedelta(days=day))
        assert renewed and found.expires_at == NOW + timedelta(days=day) + idle, day
        assert (await sign_in.find_session(used, NOW + timedelta(days=day), uow)).expires_at == found.expires_at
    assert await in_use(left, NOW + timedelta(days=15)) == (None, False)
    # Within the hour of its last renewal, a session is not written again (a page's every request would).
    again, renewed = await in_use(used, NOW + timedelta(days=30, minutes=30))
    assert not renewed and again.expires_at == NOW + timedelta(days=30) + idle
