"""What each kind of notification says, in the reader's language and time zone, with a link to where they act.

`compose(kind, context, reader, links, now)` gives a `Message`: a subject, paragraphs, details (when, where, how to
reach someone), the one action the reader is most likely to take, and a calendar entry where the message is about a
place in a calendar. The layouts (`templates/layout.{html,txt}`) lay it out; they say nothing of their own.

Every sentence is a gettext message (English is the msgid); see `i18n` for the catalogues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Any
from uuid import UUID

from mentorship_contracts.matching import PAUSED_AFTER_UNANSWERED
from plumbing.calendar import CalendarEntry, Method, booking_uid, event_uid

from ..domain.model import MESSAGE_LIMIT, Category, Notification, SinceSent, category_of
from ..domain.text import one_line, paragraphs
from .i18n import Reader, zone_of
from .links import Links

# Kinds about an event whose subject says nothing but the event (its title, or its day), and which no longer hold once
# the reader's registration changed, or the event was cancelled or ended: their subject is said again from the event as
# they told it, in the reader's language now (`_Composer.event_subject`), not as it was stored when they were sent.
SAID_OF_THE_EVENT = frozenset({"registration_confirmed", "registration_promoted", "registration_waitlisted",
                               "join_link", "event_updated", "organiser_message"})
# Kinds about a booked office hour whose subject names the other side. Once the booking is cancelled or has begun,
# nothing else of them can be said: the subject they were given would name the other side as they were then.
NAMING_THE_OTHER_SIDE = frozenset({"office_hours_booked", "office_hours_booked_host", "office_hours_reminder",
                                   "office_hours_link_given"})


@dataclass(frozen=True)
class Detail:
    label: str
    value: str
    href: str | None = None


@dataclass(frozen=True)
class Action:
    label: str
    url: str


@dataclass(frozen=True)
class CalendarCopy:
    """The calendar entry an email carries, what the email asks of the calendar (REQUEST or CANCEL), and what the
    email says of it (`said`, after its paragraphs): only an email carries it, so only an email says it, never the
    inbox's copy of the message."""

    method: Method
    entry: CalendarEntry
    filename: str
    said: str


@dataclass(frozen=True)
class Message:
    subject: str
    paragraphs: list[str]
    details: list[Detail] = field(default_factory=list)
    action: Action | None = None
    bullets: list[str] = field(default_factory=list)
    calendar: CalendarCopy | None = None
    # Its subject leaves out the private program or event it is about: what a mail app previews must not say more.
    discreet: bool = False


@dataclass(frozen=True)
class Frame:
    """What surrounds every message: greeting, sender, and why the reader receives it."""

    greeting: str
    sender: str
    why: str
    stop_label: str
    manage_label: str
    manage_url: str


def platform_name(reader: Reader) -> str:
    """The platform's name in the reader's language, as the web app names itself: a message's sender where MAIL_FROM
    gives an address alone."""
    return reader.gettext("Mentorship in medicine")


def readers_links(links: Links, context: dict[str, Any]) -> Links:
    """The links of a message to its reader, saying the language they said they read (`Links.reading`)."""
    return links.reading((context.get("recipient") or {}).get("language"))


def frame(kind: str, context: dict[str, Any], reader: Reader, links: Links) -> Frame:
    _ = reader.gettext
    category = category_of(kind, context)
    # A private program's name would show in a mail app's preview, as its subject would: the chapter signs instead.
    program = _program(context) if _program_public(context) else None
    sender = program or one_line(context.get("chapter_name")) or _("The mentorship platform")
    name = one_line(context["recipient"]["display_name"]) or ""
    if kind == "daily_digest":
        why = _("You receive this because you chose to get a daily digest.")
    elif kind == "review_asked":  # essential, though it answers no action of the reader's own
        why = _("You receive this because it is part of your role as a coordinator or administrator.")
    elif category.can_opt_out:
        why = _("You receive this because you get emails of this kind: “%(category)s”.") % {
            "category": category_label(category, _)}
    else:
        why = _("You receive this because it concerns your own account, mentorship or registration.")
    return Frame(greeting=_("Hello %(name)s,") % {"name": name}, sender=sender, why=why,
                 stop_label=_("Stop these emails"), manage_label=_("Manage your notifications"),
                 manage_url=readers_links(links, context).to("notification_settings"))


def category_label(category: Category, _: Callable[[str], str]) -> str:
    """A category as the web app's notification settings name it, where the reader turns it off or on again."""
    return {
        Category.ESSENTIAL: _("About your account, your mentorships, and what you did or booked"),
        Category.MENTORSHIP_NUDGES: _("Reminders about your mentorships"),
        Category.EVENT_UPDATES: _("News of events you registered for, and reminders"),
        Category.WAITLIST: _("Waiting for a mentor in a program"),
    }[category]


def compose(kind: str, context: dict[str, Any], reader: Reader, links: Links, now: datetime) -> Message:
    composer = _Composer(context, reader, links, now)
    message = composer.compose(kind)
    return replace(message, subject=_subject_line(message.subject), discreet=composer.discreet)


def _subject_line(text: str) -> str:
    subject = one_line(text, 250) or ""
    # A subject starts with a capital, also when it starts with a day (sábado, 6 de marzo…).
    return subject[:1].upper() + subject[1:]


def inbox_composer(links: Links, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
                   ) -> Callable[[Notification, str, dict[str, Any]], Message]:
    """An inbox item said whole, as its email says it, without the calendar file, subject and body in the reader's
    language now; when what it spoke of is over or gone, the subject it was given, with what changed for the reader
    since (their registration cancelled, a seat given, a booking cancelled) and a link to where it is now, unless that
    subject named the other side of an office hour (then one naming them as they are now, and when it was) or counted
    days from when a reminder was sent (then one naming the day of the event it reminded of) or said the event alone
    (then one said again in the reader's language now, of the event as it told it: `SAID_OF_THE_EVENT`)
    (`service_layer.views.Compose`). One that still holds says the event as it was sent, adding that it has changed
    since, when it has."""
    def said(notification: Notification, subject: str, context: dict[str, Any]) -> Message:
        if context.get("recipient") is None:
            return Message(subject, [])
        reader = Reader.of(context["recipient"])
        if context.get("over"):
            composer = _Composer(context, reader, links, clock())
            if notification.kind in NAMING_THE_OTHER_SIDE and composer.partner and context.get("booking"):
                subject = _subject_line(composer.office_hour_subject(notification.kind))
            elif notification.kind == "event_reminder" and context.get("event"):
                subject = _subject_line(composer.reminder_subject(_at(context.get("starts_at")
                                                                      or context["event"]["starts_at"]), counted=False))
            elif notification.kind in SAID_OF_THE_EVENT and context.get("event"):
                # Said again in the reader's language now, of the event as it told it (its title and day then).
                told = _Composer({**context, "event": _event_as_told(context["event"], context.get("event_as_told"))},
                                 reader, links, clock())
                subject = _subject_line(told.event_subject(notification.kind))
            return composer.since_sent(subject)
        message = compose(notification.kind, context, reader, links, clock())
        if (context.get("event") or {}).get("cancelled_at"):  # words kept readable (`READABLE_ONCE_CANCELLED`)
            message = replace(message, paragraphs=[*message.paragraphs,
                                                   reader.gettext("The event has been cancelled since.")])
        elif context.get("event_changed_since"):
            # Said as it was sent (`dispatch._as_told`); what the event is now is on its page, where the action goes.
            message = replace(message, paragraphs=[*message.paragraphs,
                                                   reader.gettext("The event has changed since: see its page.")])
        return replace(message, calendar=None)
    return said


def _event_as_told(event: dict[str, Any], told: dict[str, Any] | None) -> dict[str, Any]:
    """The event as a message told it (`model.event_as_told`, kept when it was sent; none kept: as it is now)."""
    if not told:
        return event
    return {**event, **told, "starts_at": _at(told["starts_at"]), "ends_at": _at(told["ends_at"])}


def _program(context: dict[str, Any]) -> str | None:
    program = context.get("program") or {}
    return one_line(program.get("name"))


def _program_public(context: dict[str, Any]) -> bool:
    """Whether the program's members are public, as its latest definition says (unknown: not)."""
    return (context.get("program") or {}).get("members_public") is True


def _moment(value: datetime | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _at(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


class _Composer:
    def __init__(self, context: dict[str, Any], reader: Reader, links: Links, now: datetime) -> None:
        self.c, self.r, self.links, self.now = context, reader, readers_links(links, context), now
        self._ = reader.gettext
        self.discreet = False  # whether the subject left a private program or event unnamed

    def compose(self, kind: str) -> Message:
        return getattr(self, kind)()

    # --- who and what ---------------------------------------------------------------------------------------

    @property
    def role(self) -> str:
        return self.c.get("role", "mentee")

    @property
    def partner(self) -> str:
        return one_line((self.c.get("partner") or {}).get("display_name")) or ""

    @property
    def program(self) -> str:
        return _program(self.c) or self._("your program")

    @property
    def program_public(self) -> bool:
        return _program_public(self.c)

    def about_program(self, named: str, discreet: str, **values: object) -> str:
        """A subject about the program: `named` (naming it, %(program)s) where its members are public, else
        `discreet`, saying the same without its name. A subject shows on a lock screen and in notification
        previews, where being in an affinity program would out someone; the body, read once opened, names it."""
        return (named if self.program_public else self.unnamed(discreet)) % {"program": self.program, **values}

    def unnamed(self, subject: str) -> str:
        """A subject said without the name of the private program or event it is about (`Message.discreet`)."""
        self.discreet = True
        return subject

    def id(self, name: str) -> UUID:
        return UUID(str(self.c[name]))

    def kind_label(self) -> str | None:
        _ = self._
        return {"academic": _("academic"), "clinical": _("clinical"), "research": _("research"),
                "career": _("career")}.get(self.c.get("pairing_kind") or "general")

    @property
    def mentees_choose(self) -> bool:
        """The program lets mentees choose their mentor: nobody is proposed, a mentee asks (unknown: no)."""
        return (self.c.get("program") or {}).get("pairing_mode") == "mentee_choice"

    @property
    def starts_on_one_answer(self) -> bool:
        """The program does not wait for both sides to accept a proposal (`both_must_accept` false; unknown: not
        said): one from a round starts on either side's acceptance, one made by hand on its mentee's."""
        return (self.c.get("program") or {}).get("both_must_accept") is False

    @property
    def mentees_include_minors(self) -> bool:
        """The program's mentees include high-school students, most of them minors (unknown: not said)."""
        return (self.c.get("program") or {}).get("mentees_include_minors") is True

    @property
    def proposes_first(self) -> bool:
        """What comes next is a proposal to accept, not a mentorship: both sides accept, or a round proposes (a round's
        pair starts once accepted)."""
        return (self.c.get("program") or {}).get("both_must_accept") is True or self.pairs_by_rounds

    @property
    def pairs_by_rounds(self) -> bool:
        """The program pairs in rounds its coordinators run, everyone at once (unknown: no)."""
        return (self.c.get("program") or {}).get("pairing_mode") == "rounds"

    def _mentee_stays(self, may_have_paused: bool = False) -> str:
        """What comes next for a mentee whose pairing ended or will not go ahead: they ask another mentor, where
        mentees choose; they wait for the coordinators' next round, where rounds pair; else matching looks for one.
        `may_have_paused`: she ended it herself, and may have paused as she did (the web app offers it; notifications
        does not know it), so nothing is promised but unless she paused."""
        _ = self._
        if self.mentees_choose:
            return _("You stay in the program, and can ask another mentor.")
        if self.pairs_by_rounds:
            return (_("You stay in the program: unless you paused, you wait for its coordinators' next round, and we "
                      "will email you when one pairs you.") if may_have_paused else
                    _("You stay in the program: its coordinators pair those waiting in their next round, and we will "
                      "email you when one pairs you."))
        return (_("You stay in the program: unless you paused, we will look for another mentor for you.")
                if may_have_paused else _("You stay in the program, and we will look for another mentor for you."))

    def _not_about_you(self) -> str:
        """Said to a mentee whose mentor will not, or no longer, mentor them, where it holds: many are new to
        medicine and under-represented in it, and a mentor's no reads to them as a judgement of who they are."""
        # Not "or fit": a young mentee reads the fit as something about them, which this sentence is there to deny.
        return self._("This happens because of a mentor's time or circumstances, not because of anything about you.")

    def _too_busy_to_answer(self) -> str:
        """Said to a mentee whose mentor let a proposal or a request lapse unanswered (`_not_about_you`)."""
        return self._("Mentors are sometimes too busy to answer in time; it is not because of anything about you.")

    def _where_mentee_waits(self) -> Action:
        """The button of a message telling a mentee the proposal will not go ahead: where rounds pair, they wait
        again, and it goes where the waitlist email's does (`mentee_waitlisted`); else to the program."""
        if self.role == "mentee" and self.pairs_by_rounds:
            return Action(self._("See the program"), self.links.to("waitlist", program_id=self.id("program_id")))
        return self._program_link(self._("See the program"))

    def _mentee_rests(self) -> str:
        """What comes next for a mentee whose mentorship ran its course (goals met, or complete): matching proposes
        them nobody until they ask, on their home page."""
        return self._("No mentor is proposed to you unless you ask: when you want another one, choose \u201cI am "
                      "ready for a mentor again\u201d on your home page.")

    def cadence(self) -> str:
        """How often the program suggests meeting, in words: every 1 to 2 months, every 2 to 3 weeks."""
        _, n_ = self._, self.r.ngettext
        program = self.c.get("program") or {}
        low, high = program.get("cadence_min_days") or 30, program.get("cadence_max_days") or 60
        if low % 30 == 0 and high % 30 == 0:
            low, high = low // 30, high // 30
            if low == high:
                return n_("every month", "every %(n)s months", low) % {"n": low}
            return _("every %(low)s to %(high)s months") % {"low": low, "high": high}
        if low % 7 == 0 and high % 7 == 0:
            low, high = low // 7, high // 7
            if low == high:
                return n_("every week", "every %(n)s weeks", low) % {"n": low}
            return _("every %(low)s to %(high)s weeks") % {"low": low, "high": high}
        if low == high:
            return n_("every day", "every %(n)s days", low) % {"n": low}
        return _("every %(low)s to %(high)s days") % {"low": low, "high": high}

    def partner_details(self, with_email: bool = True) -> list[Detail]:
        """Who the partner is, as they chose to show a partner: pronouns and bio. What they show a partner of who
        they are (identity attributes) is on the mentorship's page alone, which says it only while they consent: an
        email cannot be taken back, so it says only that there is more to read there."""
        _ = self._
        partner = self.c.get("partner") or {}
        name = self.partner
        if self.c.get("pairing_over"):  # a former partner: what they show partners now is not this reader's
            return [Detail(_("Name"), name)]
        if pronouns := one_line(partner.get("pronouns_for_partner"), 40):
            name = f"{name} ({pronouns})"
        details = [Detail(_("Name"), name)]
        if bio := paragraphs(partner.get("bio_for_partner"), 1000):
            details.append(Detail(_("About them"), bio))
        if partner.get("shares_more_with_partner"):
            details.append(Detail(_("Who they are"), _("They chose to share more about who they are with you: read "
                                                       "it on your mentorship's page.")))
        if with_email and partner.get("email"):
            details.append(Detail(_("Email"), partner["email"], f"mailto:{partner['email']}"))
        return details

    # --- when and where ---------------------------------------------------------------------------------------

    @property
    def event(self) -> dict[str, Any]:
        return self.c["event"]

    @property
    def title(self) -> str:
        return one_line(self.event["title"]) or ""

    @property
    def event_public(self) -> bool:
        """Whether the event's attendees are public: a registration of it came on the public topic (unknown: not)."""
        return self.event.get("attendees_public") is True

    @property
    def event_zone(self) -> tzinfo:
        """The zone the event's times are said in, as its page says them: an in-person event's where it takes place,
        an online one's where the reader is."""
        return self.r.zone if self.event["is_virtual"] else zone_of(self.event["timezone"])

    def about_event(self, named: str, discreet: str, **values: object) -> str:
        """A subject about the event: `named` (naming it, %(title)s) where its attendees are public, else `discreet`,
        saying the same without its title (%(day)s: the day it starts, in `event_zone`). As `about_program`."""
        return (named if self.event_public else self.unnamed(discreet)) % {
            "title": self.title, "day": self.r.day(self.event["starts_at"], self.event_zone), **values}

    def when_and_where(self, starts: datetime, ends: datetime, *, is_virtual: bool, location: str | None,
                       local_zone: str | None, join_url: str | None = None, there_first: bool = False) -> list[Detail]:
        """When: `there_first` (an in-person event), its time where it takes place (`local_zone`), then the reader's
        own where their clocks differ; otherwise the reader's time, then, for a place they go to in another zone, its
        local time there."""
        _ = self._
        there = zone_of(local_zone) if local_zone else None
        elsewhere = there is not None and there.utcoffset(starts) != self.r.zone.utcoffset(starts)
        place = one_line(location, 300)
        if there_first and there is not None:
            details = [Detail(_("When"), self.r.span(starts, ends, there))]
            if elsewhere:
                details.append(Detail(_("In your time zone"), self.r.span(starts, ends)))
        else:
            details = [Detail(_("When"), self.r.span(starts, ends))]
            if place and elsewhere:
                details.append(Detail(_("Local time there"), self.r.span(starts, ends, there)))
        if place and is_virtual:
            details.append(Detail(_("Where"), _("%(place)s, and online") % {"place": place}))
        elif place:
            details.append(Detail(_("Where"), place))
        elif is_virtual:
            details.append(Detail(_("Where"), _("Online")))
        if join_url:
            details.append(Detail(_("Join online"), join_url, join_url))
        return details

    def event_details(self, with_join: bool = False) -> list[Detail]:
        e = self.event
        return self.when_and_where(e["starts_at"], e["ends_at"], is_virtual=e["is_virtual"], location=e["location"],
                                   local_zone=e["timezone"], join_url=self.c.get("join_url") if with_join else None,
                                   there_first=not e["is_virtual"])

    def event_calendar(self, method: Method, said: str) -> CalendarCopy:
        e = self.event
        join_url = self.c.get("join_url") if method is Method.REQUEST else None
        # The reader's calendar keeps one entry for the event (one UID), whichever registration of theirs a copy is
        # for: each registration's copies outrank every copy of the ones cancelled before it, whose REQUESTs and
        # CANCEL took two places past the revision they were sent at.
        sequence = (e.get("revision") or 0) + 2 * self.c.get("cancelled_before", 0)
        if method is Method.CANCEL and not e.get("cancelled_at"):
            # A registrant's cancellation (theirs, or read before the event's own, which travels on another topic)
            # must outrank every copy they hold: cancelling is one revision past the last change.
            sequence += 1
        # A mail app may add the entry by itself, and a calendar's alerts show its title on the lock screen: a
        # private event's is said without its name (the email, once opened, names it).
        summary = self.title if self.event_public else _subject_line(self._("an event you registered for"))
        url: str | None = None
        description: str | None = None
        if method is Method.REQUEST:  # an entry taken out of the calendar has nothing left to open
            url = self._event_link().url
            # Many calendars show the description, not the URL: where the details are (a private event's name too).
            described = [self._("Its details are on the event's page: %(url)s") % {"url": url}]
            if join_url:  # the URL is the page now: the link to join is said here (a hybrid's location is its place)
                described.insert(0, f"{self._('Join online')}: {join_url}")
            description = "\n".join(described)
        entry = CalendarEntry(
            uid=event_uid(e["scheduled_event_id"]), starts_at=e["starts_at"], ends_at=e["ends_at"],
            summary=summary, timezone=e["timezone"], location=e["location"] or join_url, url=url,
            description=description, sequence=sequence, cancelled=method is Method.CANCEL)
        return CalendarCopy(method, entry, "event.ics", said)

    @property
    def booking(self) -> dict[str, Any]:
        return self.c["booking"]

    def booking_details(self) -> list[Detail]:
        b = self.booking
        # An office hour takes place where its host is: their zone is its local time.
        host_zone = (self.c.get("host") or {}).get("timezone")
        return self.when_and_where(b["starts_at"], b["ends_at"], is_virtual=b["is_virtual"], location=b["location"],
                                   local_zone=host_zone)

    def booking_calendar(self, method: Method, said: str) -> CalendarCopy:
        b = self.booking
        summary = (self._("Office hour with %(name)s") % {"name": self.partner} if self.partner
                   else self._("Office hour"))
        url: str | None = None
        description: str | None = None
        if method is Method.REQUEST:  # as an event's (`event_calendar`): where its reader sees the booking
            url = self._office_hour_link().url
            description = (self._("Its details are on your office hours page: %(url)s") if self.role == "host"
                           else self._("Its details are on your booking's page: %(url)s")) % {"url": url}
        # No copy carries the link to join (the events service shows it on the booking, to its two sides only), nor
        # could one: no event brings it here. The booking's copy is at 0 (as is the web app's download, which holds
        # the link); each change of the link sends it again one above (`links_replaced`); its cancellation outranks
        # them all.
        links_replaced = b.get("links_replaced") or 0
        sequence = links_replaced + 1 if method is Method.CANCEL else links_replaced
        entry = CalendarEntry(
            uid=booking_uid(b["booking_id"]), starts_at=b["starts_at"], ends_at=b["ends_at"], summary=summary,
            location=b["location"], url=url, description=description, sequence=sequence,
            cancelled=method is Method.CANCEL)
        return CalendarCopy(method, entry, "office-hour.ics", said)

    def relative_day(self, starts: datetime, what: str, zone: tzinfo | None = None, counted: bool = True) -> str:
        """Today at 6:00 PM: <what>; Tomorrow at …; Thursday, March 4, 2027: … (the reader's days, or those of the
        `zone` it takes place in, named when it is not the reader's); not `counted`, always the day."""
        _ = self._
        zone = zone or self.r.zone
        time = self.r.time(starts, zone)
        if zone.utcoffset(starts) != self.r.zone.utcoffset(starts):
            time = _("%(time)s (%(zone)s)") % {"time": time, "zone": self.r.zone_name(starts, zone)}
        days = (self.r.local(starts, zone).date() - self.r.local(self.now, zone).date()).days if counted else None
        values = {"time": time, "what": what, "day": self.r.day(starts, zone)}
        if days == 0:
            return _("Today at %(time)s: %(what)s") % values
        if days == 1:
            return _("Tomorrow at %(time)s: %(what)s") % values
        return _("%(day)s: %(what)s") % values

    def since_sent(self, subject: str) -> Message:
        """The message under the subject it was sent with, saying what changed for the reader, by their registration
        or booking, since (`SinceSent`), and linking to where they find it now. The body names a private event, as
        every message's body does to its registrant; the subject stays as it was, without it."""
        _, since = self._, self.c.get("since")
        event = self.c.get("event") or {}
        values = {"title": one_line(event.get("title")) or ""}
        if since == SinceSent.REGISTRATION_CANCELLED and event:
            return Message(subject, [_("Your registration for %(title)s has been cancelled since.") % values],
                           action=self._event_link())
        if since == SinceSent.SEATED and event:
            return Message(subject, [_("A place at %(title)s has freed up for you since.") % values],
                           action=self._event_link(_("See your seat")))
        if since == SinceSent.BOOKING_CANCELLED:
            action = (Action(_("See your office hours"), self.links.to("my_office_hours")) if self.role == "host"
                      else Action(_("Find another office hour"), self.links.to("office_hours")))
            return Message(subject, [_("This office hour booking has been cancelled since.")], action=action)
        return Message(subject, [])

    # --- accounts -------------------------------------------------------------------------------------------

    def welcome(self) -> Message:
        _ = self._
        chapter = one_line(self.c.get("chapter_name"))
        subject = (_("Welcome to %(chapter)s") % {"chapter": chapter} if chapter
                   else _("Welcome to the mentorship platform"))
        return Message(subject, [_("Your account is ready. You can now enroll in mentorship programs and register "
                                   "for events.")], action=Action(_("Open the platform"), self.links.to("home")))

    def account_reinstated(self) -> Message:
        """Their suspended account is theirs again. It says neither that it was suspended nor why: the note is kept
        from them, and others may read their mailbox."""
        _ = self._
        return Message(_("Your account is active again"),
                       [_("Your account is active again: you can sign in and use the platform as before.")],
                       action=Action(_("Sign in"), self.links.to("sign_in")))

    def mentor_approved(self) -> Message:
        _ = self._
        return Message(self.about_program(_("You are approved as a mentor in %(program)s"),
                                          _("You are approved as a mentor")),
                       [_("Thank you for offering to mentor in %(program)s.") % {"program": self.program} + " " + (
                           _("Mentees in %(program)s can now ask you to mentor them: we will email you when one "
                             "does.") % {"program": self.program} if self.mentees_choose else
                           _("We will email you as soon as a mentee is proposed to you.") if self.proposes_first else
                           _("We will email you as soon as you are paired with a mentee."))],
                       action=Action(_("See the program"), self.links.to("program", program_id=self.id("program_id"))))

    def mentor_suspended(self) -> Message:
        """A coordinator suspended a mentor in a program: before approving them (their offer declined) or after."""
        _ = self._
        values = {"program": self.program}
        # A national program's mentors may belong to no chapter: its coordinators, not "your chapter's", decided.
        national = self.c.get("national") is True
        if self.c.get("was_approved"):
            subject = self.about_program(_("Your mentoring in %(program)s is on hold"), _("Your mentoring is on hold"))
            said = [(_("The program's coordinators have suspended your mentoring in %(program)s: no new mentee will be "
                       "proposed to you there.") if national else
                     _("Your chapter's coordinator has suspended your mentoring in %(program)s: no new mentee will be "
                       "proposed to you there.")) % values]
        else:
            subject = self.about_program(_("About your offer to mentor in %(program)s"), _("About your offer to mentor"))
            said = [_("Thank you for offering to mentor in %(program)s.") % values,
                    _("The program's coordinators have not approved you to mentor in it, so no mentee will be "
                      "proposed to you there.") if national else
                    _("Your chapter's coordinator has not approved you to mentor in this program, so no mentee will "
                      "be proposed to you there.")]
        said.append(_("If you have questions, ask the program's coordinators.") if national else
                    _("If you have questions, ask your chapter's coordinator."))
        return Message(subject, said, action=self._program_link(_("See the program")))

    def staff_role_changed(self) -> Message:
        """Made, or no longer, a chapter's coordinator or a national administrator."""
        _ = self._
        values = {"chapter": one_line(self.c.get("chapter_name")) or _("your chapter")}
        coordinator, granted = self.c.get("role") == "coordinator", self.c.get("granted") is True
        if granted:
            subject, said = ((_("You are now a coordinator of %(chapter)s"),
                              _("You are now a coordinator of %(chapter)s: you can invite and vet its people, run its "
                                "programs and its events, in the console.")) if coordinator else
                             (_("You are now a national administrator"),
                              _("You are now a national administrator: in the console, you can see and manage every "
                                "chapter, program and event.")))
            return Message(subject % values, [said % values], action=Action(_("Open the console"),
                                                                            self.links.to("console")))
        subject, said = ((_("You are no longer a coordinator of %(chapter)s"),
                          _("You are no longer a coordinator of %(chapter)s: the console no longer shows you its "
                            "people, programs or events.")) if coordinator else
                         (_("You are no longer a national administrator"),
                          _("You are no longer a national administrator: the console no longer shows you every "
                            "chapter, program and event.")))
        return Message(subject % values, [said % values, _("If you did not expect this, ask a national administrator.")])

    def review_asked(self) -> Message:
        """A member of staff asked to look into someone waiting on staff: what became of one reported for a problem of
        conduct, by the role they hold in the program, or a mentor waiting to be approved (one email a day at most,
        for however many). It names nobody (an email travels beyond the console's sign-in): the console lists them, in
        the words this points to (web's `console/home.html`)."""
        _ = self._
        values = {"program": self.program}
        if self.c.get("reason") == "approval_awaited":
            return Message(self.about_program(_("A mentor waits for your approval in %(program)s"),
                                              _("A mentor waits for your approval")),
                           [_("A mentor joined %(program)s and waits for your approval: no mentee is proposed to them "
                              "until a coordinator approves them.") % values,
                            _("The console's vetting queue lists everyone waiting. You get one such email a day at "
                              "most for each program, and a reminder each week while a mentor has waited three days "
                              "or more.")],
                           action=Action(_("Open the vetting queue"), self.links.to("vetting")))
        said = (_("A mentee in %(program)s ended their mentorship over a problem of conduct. The mentor they reported "
                  "is back in vetting: they are paired with nobody new until a coordinator approves them again.")
                if self.c.get("role") == "mentor" else
                _("A mentor in %(program)s ended their mentorship over a problem of conduct. The mentee they reported "
                  "is paused: they are paired with nobody new until a coordinator has looked into it and resumed "
                  "them."))
        return Message(self.about_program(_("A report of conduct to look into in %(program)s"),
                                          _("A report of conduct to look into")),
                       [said % values, _("This email names nobody on purpose: the console's home shows whom, under "
                                         "\u201cNeeds your attention\u201d.")],
                       action=Action(_("Open the console"), self.links.to("console")))

    def review_cleared(self) -> Message:
        """A mentee paused after a report of conduct about them, resumed by a coordinator who looked into it: the
        pause is over (what the review found is the coordinator's to say, not an email's)."""
        _ = self._
        values = {"program": self.program}
        return Message(self.about_program(_("You can be paired with a mentor again in %(program)s"),
                                          _("You can be paired with a mentor again")),
                       [_("A coordinator of %(program)s has looked into how your last mentorship ended, and your "
                          "pause is over.") % values,
                        _("You can ask a mentor again, as before.") if self.mentees_choose else
                        _("Mentors are proposed to you again, as before: we will email you when one is.")],
                       action=Action(_("See the program"), self.links.to("program", program_id=self.id("program_id"))))

    def email_change(self) -> Message:
        """To the new address only. The link is profiles' single-use secret: it is in this email and nowhere else."""
        _ = self._
        expires = self.r.deadline(_at(self.c["expires_at"]))
        values = {"day": self.r.day(expires), "time": self.r.time(expires), "zone": self.r.zone_name(expires)}
        return Message(_("Confirm your new email address"),
                       [_("You asked to use this address for your account. Please confirm it: until you do, we keep "
                          "writing to the address you had."),
                        _("The link works once, until %(day)s at %(time)s (%(zone)s).") % values,
                        _("If you did not ask for this, ignore this email: nothing changes.")],
                       action=Action(_("Confirm this address"),
                                     self.links.email_confirmation(self.c["confirmation_path"])))

    def email_changed(self) -> Message:
        """To the address the change replaced: the owner hears of a change someone else made in their account."""
        _ = self._
        values = {"address": self.c["new_email"]}
        # Whom to write to: the sender is a no-reply address, and no chapter's own address reaches notifications, so
        # the national team's (`Links.contact_email`), whatever the reader's chapter.
        return Message(_("Your email address was changed"),
                       [_("The email address of your account is now %(address)s: we write to it from now on, and you "
                          "sign in with it. This is the last email to this address.") % values,
                        _("If you did not change it, someone else may be using your account: write at once to "
                          "%(contact)s.") % {"contact": self.links.contact_email}])

    # --- mentorships ----------------------------------------------------------------------------------------

    def _is_your(self) -> str:
        """'Sam Okafor is your clinical mentor in Into Medical School'."""
        _ = self._
        values = {"name": self.partner, "program": self.program, "kind": self.kind_label()}
        mentor = self.role == "mentee"  # what the partner is to the reader
        if values["kind"]:
            return (_("%(name)s is your %(kind)s mentor in %(program)s.") if mentor
                    else _("%(name)s is your %(kind)s mentee in %(program)s.")) % values
        return (_("%(name)s is your mentor in %(program)s.") if mentor
                else _("%(name)s is your mentee in %(program)s.")) % values

    def _proposal(self) -> str:
        """'We propose pairing you with a mentor in Into Medical School, for clinical mentoring.'"""
        _ = self._
        values = {"program": self.program, "kind": self.kind_label()}
        mentor = self.role == "mentee"  # what the other would be to the reader
        if values["kind"]:
            return (_("We propose pairing you with a mentor in %(program)s, for %(kind)s mentoring.") if mentor
                    else _("We propose pairing you with a mentee in %(program)s, for %(kind)s mentoring.")) % values
        return (_("We propose pairing you with a mentor in %(program)s.") if mentor
                else _("We propose pairing you with a mentee in %(program)s.")) % values

    def _reasons(self) -> list[str]:
        """Why the pair fits, in the reader's words (the web app's, on the same proposal)."""
        _ = self._
        words = {
            "specialty_overlap": _("you share an interest in the same specialty"),
            "shared_language": _("you speak a language in common"),
            "format_compatible": _("you both can meet the same way (online or in person)"),
            "same_region": _("you live in the same region"),
            "same_time_zone": _("you are in the same time zone"),
        }
        if self.role == "mentor":
            words |= {"support_offered": _("you offer the kind of support your mentee asked for"),
                      "near_peer": _("you are a step or two ahead of your mentee on the path"),
                      "further_along": _("you are further along the path")}
        else:
            words |= {"support_offered": _("your mentor offers the kind of support you asked for"),
                      "near_peer": _("your mentor is a step or two ahead of you on the path"),
                      "further_along": _("your mentor is further along the path")}
        # A reason matching adds later has no words here yet: it is left out rather than shown as a code.
        return [words[reason] for reason in self.c.get("reason_codes") or [] if reason in words]

    def _first_steps(self) -> str:
        # What to do now, not only how often: who writes first was left to guess, and a meeting had to be logged.
        # Where mentees may be minors, not an invitation to swap phone numbers (their pages say to keep them out).
        said = (self._("A first conversation in the next two weeks is a good start; after that, %(program)s suggests "
                       "meeting %(cadence)s (a video call is fine).") if self.mentees_include_minors else
                self._("A first conversation in the next two weeks is a good start; after that, %(program)s suggests "
                       "meeting %(cadence)s (a video or phone call is fine)."))
        return (said % {
            "program": self.program, "cadence": self.cadence()} + " "
            + self._("Either of you may write first; once you have met, log it on your mentorship's page."))

    def _mentorship_link(self, label: str) -> Action:
        return Action(label, self.links.to("mentorship", pairing_id=self.id("pairing_id")))

    def pairing_proposed(self) -> Message:
        """Proposed (or requested by the mentee) is not paired: the other is no partner yet, and, as on the web
        app's page, is not named nor shown until both have accepted; the reader learns why and how to answer."""
        _ = self._
        if self.c.get("requested"):
            return self._request()
        reasons = self._reasons()
        said = [self._proposal() + " " + _("You will see their name and how to reach them once the mentorship "
                                           "starts."), self._answer_by()]
        if self.role == "mentee" and self.starts_on_one_answer:  # her yes alone starts it: said before she gives it
            said[0] += " " + _("It starts as soon as you accept.")
        if reasons:
            said.append(_("Why we paired you:"))
        # Whom the reader is proposed, in the subject: one person may mentor in one program and be mentored in another.
        subject = (self.about_program(_("A proposed mentor in %(program)s"), _("A proposed mentor for you"))
                   if self.role == "mentee" else
                   self.about_program(_("A proposed mentee in %(program)s"), _("A proposed mentee for you")))
        return Message(subject, said, action=self._mentorship_link(_("Accept or decline")), bullets=reasons)

    def _answer_by(self) -> str:
        """By when to answer a proposal, and what follows if not (a proposal published before it said when: no time)."""
        _ = self._
        if not self.c.get("answer_by"):
            if self.role == "mentor" and self.starts_on_one_answer:
                return _("%(program)s does not wait for both answers: the mentorship starts as soon as the proposed "
                         "mentee accepts, even before you answer. If you cannot take it on, decline it as soon as "
                         "you can.") % {"program": self.program}
            return _("Please accept or decline the proposal.")
        return self._answer_by_moment()

    def _answer_by_moment(self) -> str:
        """By when to answer a proposal, and what follows for the reader if it lapses unanswered."""
        _ = self._
        values = {"moment": self._answer_moment(), "program": self.program}
        if self.role == "mentor" and self.starts_on_one_answer:
            # Asked to answer by a moment, a mentor reads that silence declines it: the mentee's yes starts it first.
            return _("%(program)s does not wait for both answers: the mentorship starts as soon as the proposed "
                     "mentee accepts, even before you answer. If you cannot take it on, decline it as soon as you "
                     "can, by %(moment)s at the latest.") % values
        if self.role != "mentee":
            return _("Please accept or decline by %(moment)s. Unanswered by then, it lapses.") % values
        if self.pairs_by_rounds:
            return _("Please accept or decline by %(moment)s. Unanswered by then, it lapses, and you wait for the next "
                     "round its coordinators run.") % values
        return _("Please accept or decline by %(moment)s. Unanswered by then, it lapses and we look for another "
                 "mentor for you.") % values

    def _answer_moment(self) -> str:
        return self.r.moment(self.r.deadline(_at(self.c["answer_by"])))

    def _request(self) -> Message:
        """A mentee asked a mentor (in a program where mentees choose): the mentee has answered, the mentor answers.
        Neither is named, as for a proposal, until both have accepted."""
        _ = self._
        values = {"program": self.program, "kind": self.kind_label()}
        if self.role == "mentee":
            said = [(_("You asked a mentor in %(program)s to be your %(kind)s mentor.") if values["kind"]
                     else _("You asked a mentor in %(program)s to be your mentor.")) % values,
                    _("We will tell you when they answer. Once they accept, you will see their name and how to reach "
                      "them.")]
            if self.c.get("answer_by"):
                said.append(_("If they have not answered by %(moment)s, the request lapses and you can ask another "
                              "mentor.") % {"moment": self._answer_moment()})
            return Message(self.about_program(_("Your request for a mentor in %(program)s"),
                                              _("Your request for a mentor")), said,
                           action=self._mentorship_link(_("See your request")))
        reasons = self._reasons()
        said = [(_("A mentee in %(program)s asked you to be their %(kind)s mentor.") if values["kind"]
                 else _("A mentee in %(program)s asked you to be their mentor.")) % values,
                _("You will see their name and how to reach them once you accept."),
                _("Read the request, and any note they sent with it, then accept or decline it by %(moment)s. "
                  "Unanswered by then, the request lapses and they can ask another mentor.")
                % {"moment": self._answer_moment()} if self.c.get("answer_by") else
                _("Read the request, and any note they sent with it, then accept or decline it.")]
        if reasons:
            said.append(_("Why you may fit:"))
        return Message(self.about_program(_("A mentee asked you to be their mentor in %(program)s"),
                                          _("A mentee asked you to be their mentor")), said,
                       action=self._mentorship_link(_("Accept or decline")), bullets=reasons)

    def pairing_confirmed(self) -> Message:
        _ = self._
        # What the partner is to the reader, in the subject: one person may mentor in one program and be mentored in
        # another.
        return Message((_("Your new mentor: %(name)s") if self.role == "mentee" else
                        _("Your new mentee: %(name)s")) % {"name": self.partner},
                       [_("Good news: you have been paired.") + " " + self._is_your(),
                        *self._since_over(), *self._other_requests_closed(), self._first_steps(),
                        *self._keeping_safe()],
                       self.partner_details(), self._mentorship_link(_("See your mentorship")))

    def waitlist_paired(self) -> Message:
        _ = self._
        # Only a mentee waits for a mentor: the partner is her mentor (`pairing_confirmed`).
        return Message(_("Off the waitlist: your new mentor is %(name)s") % {"name": self.partner},
                       [_("Thank you for waiting: you have been paired.") + " "
                        + self._is_your(), *self._since_over(), *self._other_requests_closed(), self._first_steps(),
                        *self._keeping_safe()],
                       self.partner_details(), self._mentorship_link(_("See your mentorship")))

    def _keeping_safe(self) -> list[str]:
        """Where mentees may be minors, each side has just been given the other's email address: whom to tell."""
        if not self.mentees_include_minors:
            return []
        _ = self._
        if self.role == "mentee":
            return [_("If anything about this mentorship worries you, talk to a parent or another adult you trust; "
                      "your mentorship's page also says whom to tell.")]
        return [_("Mentees in this program include high-school students, most of them minors: meet online or "
                  "somewhere public, and tell the program's coordinators if anything concerns you.")]

    def _other_requests_closed(self) -> list[str]:
        """A mentee paired on one of her requests: her others still waiting closed with it (each mentor is told)."""
        count = self.c.get("other_requests_closed") or 0
        if self.role != "mentee" or not count:
            return []
        n_ = self.r.ngettext
        return [n_(
            "Your other request in %(program)s, still waiting for an answer, is now closed: there is nothing you need "
            "to do about it.",
            "Your %(num)s other requests in %(program)s, still waiting for an answer, are now closed: there is nothing "
            "you need to do about them.", count) % {"num": count, "program": self.program}]

    def _since_over(self) -> list[str]:
        return [self._("This mentorship has ended since.")] if self.c.get("pairing_over") else []

    def _program_link(self, label: str) -> Action:
        return Action(label, self.links.to("program", program_id=self.id("program_id")))

    def pairing_declined(self) -> Message:
        """A proposal declined never made partners: the other is not named, as while it was proposed."""
        _ = self._
        values = {"program": self.program}
        if self.c.get("withdrawn"):
            said = [_("You withdrew your request for a mentor in %(program)s.") % values + " "
                    + _("You stay in the program, and can ask another mentor.") if self.role == "mentee" else
                    _("The mentee who asked you in %(program)s withdrew their request.") % values]
            return Message(self.about_program(_("A request in %(program)s was withdrawn"), _("A request was withdrawn")),
                           said,
                           action=self._program_link(_("See the program")))
        if self.c.get("unanswered"):
            return self._unanswered()
        if self.c.get("another_accepted"):
            return self._request_closed()
        if self.c.get("mentor_gone"):
            return Message(self.about_program(_("A request in %(program)s can no longer be answered"),
                                              _("A request can no longer be answered")),
                           [_("The mentor you asked in %(program)s is no longer taking mentees there, so your request "
                              "has lapsed.") % values + " " + _("You stay in the program, and can ask another mentor.")],
                           action=self._program_link(_("See the program")))
        if self.c.get("by") == "program":
            return self._withdrawn_by_the_program()
        if self.c.get("requested") and self.c.get("by") == "mentor":
            return self._request_declined()
        if self.c.get("by") == self.role:
            said = [_("You declined the proposed pairing in %(program)s.") % values]
        elif self.role == "mentee":
            # Never "the mentor declined": to a mentee new to medicine it reads as a rejection of them.
            said = [_("The mentorship proposed to you in %(program)s cannot go ahead: the mentor is not able to take "
                      "it on.") % values, self._not_about_you()]
        else:
            said = [_("The mentee proposed to you in %(program)s has chosen not to go ahead with this mentorship.")
                    % values]
        if self.role == "mentee":
            said.append(self._mentee_stays())
        elif self.c.get("by") == self.role:  # they may have paused new mentees as they declined: no promise
            said.append(_("Thank you for answering.") if self.mentees_choose else
                        _("Thank you for answering. While you take new mentees, we will propose another when one "
                          "fits."))
        else:
            said.append(_("We will propose another mentee to you when one fits."))
        return Message(self.about_program(_("A proposed pairing in %(program)s will not go ahead"),
                                          _("A proposed pairing will not go ahead")), said,
                       action=self._where_mentee_waits())

    def _request_closed(self) -> Message:
        """Told to a mentor whose request closed unanswered as another mentor accepted the mentee's: they were asked to
        answer it by a date, and its page now says it lapsed. Nobody is named (the mentee never was, to them), and
        there is nothing to do: no button."""
        _ = self._
        return Message(self.about_program(_("A request in %(program)s has closed"), _("A request has closed")),
                       [_("The mentee who asked you in %(program)s has found a mentor, so their request to you is "
                          "closed.") % {"program": self.program} + " " + _("There is nothing you need to do."),
                        _("Thank you for considering their request.")])

    def _request_declined(self) -> Message:
        """The mentor a mentee asked said no: a request, not a proposal, and the mentee chooses again."""
        _ = self._
        values = {"program": self.program}
        if self.role == "mentee":  # as a proposal declined: not a rejection of them
            return Message(self.about_program(_("Your request in %(program)s will not go ahead"),
                                              _("Your request will not go ahead")),
                           [_("The mentor you asked in %(program)s is not able to take on your request.") % values,
                            self._not_about_you(), self._mentee_stays()],
                           action=self._program_link(_("See the program")))
        said = [_("You declined a mentee's request in %(program)s.") % values + " " + _("Thank you for answering.")]
        return Message(self.about_program(_("A request in %(program)s was declined"), _("A request was declined")),
                       said, action=self._program_link(_("See the program")))

    def _withdrawn_by_the_program(self) -> Message:
        """A coordinator withdrew the proposal (never their own words: matching does not publish them). A mentee they
        proposed another mentor instead is told to answer that proposal, which comes in a message of its own."""
        _ = self._
        values = {"program": self.program}
        said = [_("Your program's coordinator withdrew the proposed mentorship in %(program)s.") % values]
        action = self._program_link(_("See the program"))
        if self.role == "mentor":
            said.append(_("We will propose another mentee to you when one fits."))
        # A reason's code was kept, before `reassigned` was: its notification still says it.
        elif self.c.get("reassigned") or self.c.get("reason_code") == "reassigned":
            said.append(_("Instead, the coordinator proposed another mentor to you: that proposal comes in a separate "
                          "message, where you can accept or decline it."))
        else:
            said.append(self._mentee_stays())
            action = self._where_mentee_waits()
        return Message(self.about_program(_("A proposed pairing in %(program)s was withdrawn"),
                                          _("A proposed pairing was withdrawn")), said, action=action)

    def _unanswered(self) -> Message:
        """A proposal or a request lapsed unanswered: who did not answer, when known, without naming the other."""
        _ = self._
        values = {"program": self.program}
        awaiting = self.c.get("awaiting")  # unknown before version 3 of the event
        other = "mentor" if self.role == "mentee" else "mentee"
        if self.c.get("requested"):
            subject = self.about_program(_("A request in %(program)s has lapsed"), _("A request has lapsed"))
            said = [_("Your request to a mentor in %(program)s was not answered in time, so it has lapsed.") % values,
                    self._too_busy_to_answer(), _("You stay in the program, and can ask another mentor.")
                    ] if self.role == "mentee" else [
                    _("You did not answer a mentee's request in %(program)s in time, so it has lapsed.") % values]
        else:
            subject = self.about_program(_("A proposed pairing in %(program)s will not go ahead"),
                                         _("A proposed pairing will not go ahead"))
            if awaiting is not None and self.role in awaiting and other not in awaiting:
                first = _("You did not answer the proposed mentorship in %(program)s in time, so it has lapsed.")
            elif awaiting is not None and other in awaiting and self.role not in awaiting:
                first = (_("The mentorship proposed to you in %(program)s has lapsed: the mentor did not answer in "
                           "time.") if other == "mentor" else
                         _("The proposed mentee did not answer in time, so the proposed mentorship in %(program)s has "
                           "lapsed."))
            else:
                first = _("The proposed mentorship in %(program)s was not answered in time, so it has lapsed.")
            said = [first % values]
            if self.role == "mentee" and awaiting is not None and awaiting == ["mentor"]:
                said.append(self._too_busy_to_answer())
            if self.role == "mentee":
                said.append(_("You stay in the program, and can be paired with another mentor."))
        if awaiting is not None and self.role in awaiting:  # told before it happens: the rule, not their count
            said.append(self._paused_after_unanswered())
        if self.role == "mentor":
            said.append(_("If you cannot take a mentee for now, pause from your home page: nobody new is proposed to "
                          "you until you resume."))
        return Message(subject, said, action=self._program_link(_("See the program")) if self.c.get("requested") else
                       self._where_mentee_waits())

    def _paused_after_unanswered(self) -> str:
        """The rule matching applies to whoever lets proposals lapse unanswered (`mentoring_paused` says it applied)."""
        n_, values = self.r.ngettext, {"num": PAUSED_AFTER_UNANSWERED}
        if self.role == "mentor":
            return n_("When %(num)s proposal or request in a row lapses unanswered, we pause new mentees for you.",
                      "When %(num)s proposals or requests in a row lapse unanswered, we pause new mentees for you.",
                      PAUSED_AFTER_UNANSWERED) % values
        return n_("When %(num)s proposal in a row lapses unanswered, we pause mentor proposals for you.",
                  "When %(num)s proposals in a row lapse unanswered, we pause mentor proposals for you.",
                  PAUSED_AFTER_UNANSWERED) % values

    def pairing_ended(self) -> Message:
        _ = self._
        values = {"name": self.partner, "program": self.program}
        if self.c.get("by") == "program":
            said = [_("Your program's coordinator ended your mentorship with %(name)s in %(program)s.") % values]
        elif self.c.get("by") == self.role:
            said = [_("You ended your mentorship with %(name)s in %(program)s.") % values]
            if self.c.get("reported_conduct"):
                # What the platform does about a report of conduct: told to the one who made it, never to the other.
                said.append(_("A coordinator of the program will look into what happened, and %(name)s will not be "
                              "paired with anyone new meanwhile.") % values)
        elif self.role == "mentee" and self.c.get("goals_met"):
            said = [_("Your mentorship with %(name)s in %(program)s has ended.") % values]
        elif self.role == "mentee":
            # Never "Dr. X ended your mentorship": to a mentee new to medicine it reads as a rejection of them. Their
            # notification says only whether the mentor left the program and whether the reason was the mentor's own
            # time or circumstances (`handlers.pairing_ended`): never the reason, nor one about the mentee.
            said = [(_("%(name)s has left %(program)s, so your mentorship has ended.") if self.c.get("left_the_program")
                     else _("%(name)s has stepped back as your mentor in %(program)s, so your mentorship has ended."))
                    % values]
            if self.c.get("not_about_them"):
                said.append(self._not_about_you())
        else:
            said = [_("%(name)s ended your mentorship in %(program)s.") % values]
        if self.c.get("goals_met"):
            said.insert(1, _("Its goals were met: congratulations on what you achieved together."))
        # Matching has put the mentee back on the waitlist already (that email comes next: `dispatch.CLOSING_KINDS`),
        # unless it ran its course: then they rest until they ask.
        if self.role == "mentee":
            said.append(self._mentee_rests() if self.c.get("goals_met") else
                        self._mentee_stays(may_have_paused=self.c.get("by") == "mentee"))
        else:
            said.append(_("Thank you for the time you gave."))
            # Neither their capacity nor a pause is known here: hence "if you have room".
            if self.c.get("room_freed") and not self.mentees_choose:
                said.append(_("If you are not paused and have room, we may propose another mentee to you; to take "
                              "nobody new for now, pause from your home page."))
        # Either side may tell how an ended mentorship went, as of one completed (`feedback_request`).
        said.append(_("Please tell us how it went: your feedback shapes the next pairings."))
        # The button asks for feedback; a mentee who chooses their mentor also needs the way to the next one: the
        # program, where she asks at once, or, resting, her home page, where she says she wants one first.
        details = []
        if self.role == "mentee" and self.mentees_choose:
            details = [Detail(_("When you want another mentor"), _("Say so on your home page"), self.links.to("home"))
                       if self.c.get("goals_met") else
                       Detail(_("Ask another mentor"), self.program,
                              self.links.to("program", program_id=self.id("program_id")))]
        return Message(_("Your mentorship with %(name)s has ended") % values, said, details,
                       action=Action(_("Give feedback"), self.links.to("feedback", pairing_id=self.id("pairing_id"))))

    def partner_left(self) -> Message:
        """The partner erased their account: they are not named (their name is erased too)."""
        _ = self._
        values = {"program": self.program}
        if self.c.get("was") == "active":
            subject = self.about_program(_("Your mentorship in %(program)s has ended"), _("Your mentorship has ended"))
            said = [_("Your mentee has left the platform, so your mentorship in %(program)s has ended.") % values
                    if self.role == "mentor" else
                    _("Your mentor has left the platform, so your mentorship in %(program)s has ended.") % values]
        elif self.c.get("was") == "requested" and self.role == "mentee":
            return Message(self.about_program(_("A request in %(program)s can no longer be answered"),
                                              _("A request can no longer be answered")),
                           [_("The mentor you asked in %(program)s has left the platform, so your request has lapsed.")
                            % values + " " + _("You stay in the program, and can ask another mentor.")],
                           action=self._program_link(_("See the program")))
        elif self.c.get("was") == "requested":
            subject = self.about_program(_("A request in %(program)s was withdrawn"), _("A request was withdrawn"))
            said = [_("The mentee who asked you in %(program)s has left the platform, so their request is withdrawn.")
                    % values]
        else:
            subject = self.about_program(_("A proposed pairing in %(program)s will not go ahead"),
                                         _("A proposed pairing will not go ahead"))
            said = [_("The person proposed to you in %(program)s has left the platform, so the proposal is "
                      "withdrawn.") % values]
        said.append(_("Their details have been deleted, as they asked."))
        if self.role == "mentee" and self.c.get("was") in ("active", "proposed"):
            said.append(self._not_about_you())
        if self.role == "mentee":
            said.append(self._mentee_stays())
        elif self.c.get("was") == "active":
            said.append(_("Thank you for the time you gave. You may be paired with another mentee."))
        else:  # a proposal or a request, which never began: no time was given to it; mentees who ask propose nobody
            asked = self.mentees_choose or self.c.get("was") == "requested"
            said.append(_("There is nothing you need to do.") + ("" if asked else " " + _(
                "We will propose another mentee to you when one fits.")))
        return Message(subject, said, action=self._where_mentee_waits())

    def pairing_renewed(self) -> Message:
        _ = self._
        values = {"name": self.partner, "program": self.program,
                  "date": self.r.short_day(_at(self.c["term_ends_at"]))}
        return Message(_("Your mentorship with %(name)s is renewed") % values,
                       [_("You and %(name)s renewed your mentorship in %(program)s until %(date)s.") % values],
                       action=self._mentorship_link(_("See your mentorship")))

    def renewal_due(self) -> Message:
        _ = self._
        values = {"name": self.partner, "program": self.program,
                  "date": self.r.short_day(_at(self.c["term_ends_at"]))}
        return Message(_("Your mentorship with %(name)s: renew or complete?") % values,
                       [_("Your term in %(program)s ends on %(date)s. Talk it over with %(name)s, then renew for "
                          "another term or complete it.") % values],
                       action=self._mentorship_link(_("Renew or complete")))

    def answer_due(self) -> Message:
        """A proposal or a request lapses soon unanswered: by when, and what follows. The other is not named yet."""
        _ = self._
        values = {"program": self.program, "moment": self._answer_moment()}
        if self.c.get("requested"):
            subject = self.about_program(_("A mentee's request in %(program)s is waiting for your answer"),
                                         _("A mentee's request is waiting for your answer"))
            said = [_("A mentee asked you to be their mentor in %(program)s and is waiting for your answer.") % values,
                    _("Please accept or decline by %(moment)s. Unanswered by then, the request lapses and they can "
                      "ask another mentor.") % values]
        else:
            subject = (self.about_program(_("A proposed mentor in %(program)s: waiting for your answer"),
                                          _("A proposed mentor: waiting for your answer")) if self.role == "mentee"
                       else self.about_program(_("A proposed mentee in %(program)s: waiting for your answer"),
                                               _("A proposed mentee: waiting for your answer")))
            said = [_("A proposed mentorship in %(program)s is waiting for your answer.") % values,
                    self._answer_by_moment()]
        if self.c.get("pauses_if_it_lapses"):
            said.append(self._paused_if_it_lapses())
        if self.role == "mentor":
            said.append(_("If you cannot take a mentee for now, decline and pause in the same step: nobody new is "
                          "proposed to you until you resume."))
        return Message(subject, said, action=self._mentorship_link(_("Accept or decline")))

    def _paused_if_it_lapses(self) -> str:
        """The rule of `_paused_after_unanswered`, told to one whom this very lapse would pause."""
        n_, values = self.r.ngettext, {"num": PAUSED_AFTER_UNANSWERED}
        if self.role == "mentor":
            return n_("If this one lapses unanswered, we will pause new mentees for you until you resume.",
                      "If this one lapses unanswered too, that makes %(num)s in a row, and we will pause new mentees "
                      "for you until you resume.", PAUSED_AFTER_UNANSWERED) % values
        return n_("If this one lapses unanswered, we will pause mentor proposals for you until you tell us you are "
                  "ready again.",
                  "If this one lapses unanswered too, that makes %(num)s in a row, and we will pause mentor proposals "
                  "for you until you tell us you are ready again.", PAUSED_AFTER_UNANSWERED) % values

    def mentoring_paused(self) -> Message:
        """A mentor or a mentee let proposals (a mentor, mentees' requests too) lapse unanswered in a row and is
        paused: what that means, and how to resume (the web app's own button, named as it is on their home page). Each
        lapse was told already: no blame here."""
        _, n_ = self._, self.r.ngettext
        count = self.c["unanswered_in_a_row"]
        values = {"program": self.program, "count": count}
        home = Action(_("Go to your home page"), self.links.to("home"))
        if self.role == "mentee":
            return Message(self.about_program(_("We have paused mentor proposals for you in %(program)s"),
                                              _("We have paused mentor proposals for you")),
                           [n_("The last mentorship proposed to you in %(program)s lapsed without your answer, so we "
                               "have stopped proposing mentors to you for now: that way, no mentor's place is held for "
                               "someone who is not ready yet.",
                               "The last %(count)s mentorships proposed to you in %(program)s lapsed without your "
                               "answer, so we have stopped proposing mentors to you for now: that way, no mentor's "
                               "place is held for someone who is not ready yet.",
                               count) % values,
                            _("You stay in the program and keep your place on the waitlist."),
                            _("When you are ready, choose “I am ready for a mentor again” on your home page.")],
                           action=home)
        return Message(self.about_program(_("We have paused new mentees for you in %(program)s"),
                                          _("We have paused new mentees for you")),
                       [n_("The last proposal or mentee's request sent to you in %(program)s lapsed without an answer, "
                           "so we have paused new ones: nobody new will be proposed to you, and mentees will not see "
                           "you among the mentors they can ask, until you are ready.",
                           "The last %(count)s proposals or mentees' requests sent to you in %(program)s lapsed "
                           "without an answer, so we have paused new ones: nobody new will be proposed to you, and "
                           "mentees will not see you among the mentors they can ask, until you are ready.",
                           count) % values,
                        _("Your current mentorships go on as before."),
                        _("When you have time again, choose “Take new mentees again” on your home page.")],
                       action=home)

    def meeting_overdue(self) -> Message:
        _ = self._
        values = {"name": self.partner, "program": self.program, "cadence": self.cadence()}
        last_met = _moment(self.c.get("last_met_at"))
        said = [_("A gentle nudge: it has been a while since you and %(name)s last met.") % values + " "
                # A meeting is a calendar day, kept as its midnight in UTC: named in UTC, it is that day anywhere.
                + (_("You last met on %(date)s.") % {"date": self.r.short_day(last_met, UTC)} if last_met
                   else _("No meeting has been logged yet.")),
                _("%(program)s suggests meeting %(cadence)s; a short call counts.") % values]
        return Message(_("Time to catch up with %(name)s?") % values, said,
                       [d for d in self.partner_details() if d.href], self._mentorship_link(_("Log a meeting")))

    def feedback_request(self) -> Message:
        _ = self._
        values = {"name": self.partner, "program": self.program}
        said = [_("Your mentorship in %(program)s is complete. Thank you! Please tell us how it went: your "
                  "feedback shapes the next pairings.") % values]
        if self.role == "mentee":
            said.append(self._mentee_rests())
        return Message(_("How was your mentorship with %(name)s?") % values, said,
                       action=Action(_("Give feedback"), self.links.to("feedback", pairing_id=self.id("pairing_id"))))

    def mentee_waitlisted(self) -> Message:
        _ = self._
        values = {"program": self.program, "position": self.c["position"], "kind": self.kind_label()}
        # True whatever keeps them waiting (no mentor with room, or none fitting what they asked, a shared identity
        # among it): why is neither on the event nor this email's to say.
        if self.pairs_by_rounds:
            # Coordinators' rounds pair everyone at once, as best fits: no line moves anyone up, so no position.
            unpaired = (_("The last round of %(program)s did not pair you with a mentor for %(kind)s mentoring this "
                          "time.") if values["kind"]
                        else _("The last round of %(program)s did not pair you with a mentor this time.")) % values
            return Message(self.about_program(_("You are waiting for a mentor in %(program)s"),
                                              _("You are waiting for a mentor")),
                           [unpaired + " " + _("You stay in the program: its coordinators run rounds that pair "
                                               "everyone at once, and we will email you as soon as one proposes you a "
                                               "mentor, to accept.")],
                           action=Action(_("See the program"),
                                         self.links.to("waitlist", program_id=self.id("program_id"))))
        if self.c.get("after_pairing_id"):  # back after a pairing closed: they had a mentor, or one proposed
            not_yet = (_("We are looking for another mentor for you in %(program)s for %(kind)s mentoring.")
                       if values["kind"] else _("We are looking for another mentor for you in %(program)s.")) % values
        else:
            not_yet = (_("We have not yet found you a mentor in %(program)s for %(kind)s mentoring.") if values["kind"]
                       else _("We have not yet found you a mentor in %(program)s.")) % values
        return Message(self.about_program(_("You are on the waitlist for %(program)s: position %(position)s"),
                                          _("You are on the waitlist for a mentor: position %(position)s"),
                                          position=values["position"]),
                       [not_yet + " " + (_("You are number %(position)s on the waitlist, and we will email you as "
                                           "soon as a mentor is proposed to you, to accept.") if self.proposes_first
                                         else _("You are number %(position)s on the waitlist, and we will email you as "
                                                "soon as you are paired.")) % values],
                       action=Action(_("See your place"), self.links.to("waitlist", program_id=self.id("program_id"))))

    # --- events ---------------------------------------------------------------------------------------------

    def _event_link(self, label: str | None = None) -> Action:
        return Action(label or self._("See the event"),
                      self.links.to("event", scheduled_event_id=self.id("scheduled_event_id")))

    def _events_link(self) -> Action:
        return Action(self._("Find another event"), self.links.to("events"))

    def event_subject(self, kind: str) -> str:
        """The subject of a message of `SAID_OF_THE_EVENT`, from the event and the message's own parameters alone:
        also said once it no longer holds (in the inbox, in the reader's language then)."""
        _ = self._
        if kind == "registration_confirmed":
            return self.about_event(_("You're registered: %(title)s"), _("You are registered for an event on %(day)s"))
        if kind == "registration_promoted" and self.c.get("at_the_door"):
            return self.about_event(_("You have a seat: %(title)s"), _("You have a seat at the event on %(day)s"))
        if kind == "registration_promoted":
            return self.about_event(_("A place freed up: you're in for %(title)s"),
                                    _("A place freed up: you're in for the event on %(day)s"))
        if kind == "registration_waitlisted":
            return self.about_event(_("On the waitlist for %(title)s: position %(position)s"),
                                    _("On the waitlist for an event on %(day)s: position %(position)s"),
                                    position=self.c["position"])
        if kind == "join_link" and self.c.get("replaces_earlier"):
            return self.about_event(_("The link to join %(title)s has changed"),
                                    _("The link to join your event on %(day)s has changed"))
        if kind == "join_link":
            return self.about_event(_("Your link to join %(title)s"), _("Your link to join the event on %(day)s"))
        if kind == "organiser_message":
            return self.about_event(_("A message about %(title)s"), _("A message about the event on %(day)s"))
        if kind != "event_updated":
            raise ValueError(f"no subject said of the event alone for {kind}")
        changed = set(self.c.get("changed_fields") or [])
        if changed & {"starts_at", "ends_at"} and changed & {"location", "is_virtual"}:
            return self.about_event(_("New time and place: %(title)s"),
                                    _("New time and place for an event you registered for"))
        if changed & {"starts_at", "ends_at"}:
            return self.about_event(_("New time: %(title)s"), _("New time for an event you registered for"))
        if changed & {"location", "is_virtual"}:
            return self.about_event(_("New place: %(title)s"), _("New place for an event you registered for"))
        return self.about_event(_("Changed: %(title)s"), _("Changes to an event you registered for"))

    def _seat(self, subject: str, opening: str, closing: str | None = None, button: Action | None = None) -> Message:
        _ = self._
        said = [opening]
        if self.event["is_virtual"] and not self.c.get("join_url"):
            said.append(_("The link to join will follow in a separate email."))
        if closing:
            said.append(closing)
        return Message(subject, said, self.event_details(with_join=True), button or self._event_link(),
                       calendar=self.event_calendar(Method.REQUEST, _("The calendar entry is attached.")))

    def registration_confirmed(self) -> Message:
        _ = self._
        return self._seat(self.event_subject("registration_confirmed"),
                          _("Your place at %(title)s is confirmed.") % {"title": self.title})

    def registration_promoted(self) -> Message:
        _ = self._
        if self.c.get("at_the_door"):
            return self._seat(self.event_subject("registration_promoted"),
                              _("The organizers of %(title)s gave you a seat at the door, and checked you in.")
                              % {"title": self.title})
        # Someone else was waiting too: a seat they cannot use goes on to the next in line once they give it back.
        return self._seat(self.event_subject("registration_promoted"),
                          _("A place at %(title)s freed up, and it is yours.") % {"title": self.title},
                          _("Can't come after all? Cancel on the event page, so the next person in line gets the "
                            "seat."),
                          self._event_link(_("See the event or cancel your registration")))

    def registration_waitlisted(self) -> Message:
        _ = self._
        values = {"title": self.title, "position": self.c["position"]}
        return Message(self.event_subject("registration_waitlisted"),
                       # Once it has begun, nobody is promoted by themselves: a seat is given at the door then.
                       [_("%(title)s is full. You are number %(position)s on its waitlist; we will email you if a "
                          "place frees up before it starts. Once it has started, its organizers give a place that "
                          "frees up to someone at the door.") % values],
                       self.event_details(), self._event_link(_("See the event or leave the waitlist")))

    def registration_cancelled(self) -> Message:
        _ = self._
        values = {"title": self.title}
        said = [_("As you asked, your registration for %(title)s is cancelled.") % values]
        calendar = None
        if self.c.get("held_seat"):
            calendar = self.event_calendar(Method.CANCEL, _("The calendar entry attached removes it from your calendar."))
        return Message(self.about_event(_("Cancelled: your registration for %(title)s"),
                                        _("Cancelled: your registration for an event on %(day)s")),
                       said, self.event_details(),
                       self._events_link(), calendar=calendar)

    def registration_removed(self) -> Message:
        _ = self._
        values = {"title": self.title}
        if self.c.get("once_begun"):
            # A seat released at the door: they are most likely late, and there that evening, where its organizers are.
            said = [_("The organizers of %(title)s cancelled your registration after it began. If you have arrived, "
                      "speak to them at the door.") % values]
        else:
            # Emails come from a no-reply address: the national team's is the one a reader can write to.
            said = [_("The organizers of %(title)s cancelled your registration. If you think this is a mistake, "
                      "please write to %(contact)s.") % {**values, "contact": self.links.contact_email}]
        reason = one_line(self.c.get("reason"), limit=500)
        if reason:
            # The organizer's own words, as they wrote them (in their language, whatever the reader's).
            said.insert(1, _("The reason they gave: %(reason)s") % {"reason": reason})
        calendar = None
        if self.c.get("held_seat"):
            calendar = self.event_calendar(Method.CANCEL, _("The calendar entry attached removes it from your calendar."))
        return Message(self.about_event(_("Your registration for %(title)s was cancelled by the organizers"),
                                        _("Your registration for an event on %(day)s was cancelled by the organizers")),
                       said,
                       self.event_details(), self._event_link(), calendar=calendar)

    def join_link(self) -> Message:
        _ = self._
        values = {"title": self.title}
        if self.c.get("replaces_earlier"):
            # Their calendar entry holds the earlier link: a copy at the event's revision for the new one replaces it.
            return Message(self.event_subject("join_link"),
                           [_("The organizers changed the link to join %(title)s: the earlier link no longer works. "
                              "Here is the new one. Please keep it to yourself.") % values],
                           self.event_details(with_join=True), self._event_link(),
                           calendar=self.event_calendar(Method.REQUEST, _("The updated calendar entry is attached.")))
        return Message(self.event_subject("join_link"),
                       [_("Here is your link to join %(title)s. Please keep it to yourself.") % values],
                       self.event_details(with_join=True), self._event_link())

    def event_cancelled(self) -> Message:
        _ = self._
        values = {"title": self.title,
                  "when": self.r.span(self.event["starts_at"], self.event["ends_at"], self.event_zone)}
        # Someone on the waitlist never had the event in their calendar. (One recorded before this was said is a
        # seat holder's, as every one was then.)
        subject = self.about_event(_("Cancelled: %(title)s"), _("Cancelled: an event you registered for, on %(day)s"))
        # The organizers' own words, as they wrote them (in their language, whatever the reader's), lines kept.
        note = paragraphs(self.event.get("cancellation_note"), 1000)
        quoted = [_("The organizers' message: %(note)s") % {"note": note}] if note else []
        if not self.c.get("held_seat", True):
            return Message(subject,
                           [_("We are sorry: %(title)s, planned for %(when)s, is cancelled, and your place on its "
                              "waitlist with it.") % values, *quoted], action=self._events_link())
        return Message(subject,
                       [_("We are sorry: %(title)s, planned for %(when)s, is cancelled, and your registration with "
                          "it.") % values, *quoted],
                       action=self._events_link(),
                       calendar=self.event_calendar(Method.CANCEL,
                                                    _("The calendar entry attached removes it from your calendar.")))

    def event_updated(self) -> Message:
        _ = self._
        e, before = self.event, self.c.get("before") or {}
        changed = set(self.c.get("changed_fields") or [])
        # Recorded for a registrant without a seat, it is one on the waitlist (unknown, as before `holds_seat`: a seat).
        waiting = self.c.get("holds_seat") is False
        said = [(_("%(title)s, the event you are on the waitlist for, has changed.") if waiting
                 else _("%(title)s, which you registered for, has changed.")) % {"title": self.title}]
        if changed & {"starts_at", "ends_at"}:
            now = {"when": self.r.span(e["starts_at"], e["ends_at"], self.event_zone)}
            if before.get("starts_at") and before.get("ends_at"):
                was = self.r.span(_at(before["starts_at"]), _at(before["ends_at"]), self.event_zone)
                said.append(_("It now takes place %(when)s; it was %(before)s.") % {**now, "before": was})
            else:
                said.append(_("It now takes place %(when)s.") % now)
        if "location" in changed or "is_virtual" in changed:
            place = one_line(e["location"], 300)
            if place:
                was_place = one_line(before.get("location"), 300)
                said.append(_("It now takes place at %(place)s; it was at %(before)s.") % {
                    "place": place, "before": was_place} if was_place else
                    _("It now takes place at %(place)s.") % {"place": place})
            if "is_virtual" in changed:
                said.append(_("It now takes place online.") if e["is_virtual"]
                            else _("It no longer takes place online."))
        if "title" in changed and before.get("title"):
            said.append(_("Its new title is “%(title)s”; it was “%(before)s”.") % {
                "title": self.title, "before": one_line(before["title"])})
        if "description" in changed:
            said.append(_("Its description has changed."))
        if "exhibitors" in changed:
            said.append(_("The list of exhibitors has changed."))
        subject = self.event_subject("event_updated")
        calendar = None
        if self.c.get("holds_seat"):
            calendar = self.event_calendar(Method.REQUEST, _("The updated calendar entry is attached."))
        # A seat holder's details keep their join link, as the calendar entry this one replaces did.
        return Message(subject, said, self.event_details(with_join=bool(calendar)),
                       self._event_link(), calendar=calendar)

    def event_reminder(self) -> Message:
        _ = self._
        # Read in the inbox while the event takes place: its day, not a "Today" that would soon be wrong.
        starts = self.event["starts_at"]
        return Message(self.reminder_subject(starts, counted=starts > self.now),
                       [_("A reminder: %(title)s is coming up.") % {"title": self.title}],
                       self.event_details(with_join=True), self._event_link())

    def reminder_subject(self, starts: datetime, counted: bool = True) -> str:
        """An event reminder's subject, of the event starting then: days `counted` from now (`relative_day`)."""
        what = self.title if self.event_public else self.unnamed(self._("an event you registered for"))
        return self.relative_day(starts, what, self.event_zone, counted)

    def organiser_message(self) -> Message:
        """An organizer's own words to those registered, as they wrote them (in their language, whatever the
        reader's): their paragraphs and line breaks kept, nothing else of theirs (the layouts escape it)."""
        _ = self._
        words = paragraphs(self.c.get("body"), MESSAGE_LIMIT) or ""
        waiting = [_("You are on its waitlist: you have no seat yet.")] if self.c.get("waiting") else []
        return Message(self.event_subject("organiser_message"),
                       [_("The organizers of %(title)s wrote to you:") % {"title": self.title},
                        *words.split("\n\n"), *waiting],
                       self.event_details(), self._event_link())

    def waitlist_closed(self) -> Message:
        _ = self._
        values = {"title": self.title}
        # Not "no place came free": once it has begun, a freed seat is given at the door to someone there, or to none.
        return Message(self.about_event(_("You did not get a seat: %(title)s"),
                                        _("You did not get a seat at the event on %(day)s")),
                       # Sent once the event is marked held, which may be while it still runs: not "it took place".
                       [_("You did not get a seat at %(title)s: you were still on its waitlist, which is now closed. We "
                          "are sorry, and we hope to see you at another event.") % values],
                       action=self._events_link())

    # --- office hours ---------------------------------------------------------------------------------------

    def _office_hour_link(self) -> Action:
        # A host sees who booked their slots on their own office hours' page; the slot's page is a participant's.
        if self.role == "host":
            return Action(self._("See your office hours"), self.links.to("my_office_hours"))
        return Action(self._("See your office hour"),
                      self.links.to("office_hour", slot_id=UUID(str(self.booking["slot_id"]))))

    def _how_to_join(self) -> list[str]:
        if not self.booking["is_virtual"] or self.booking["location"]:
            return []
        values = {"name": self.partner}
        # The link is the events service's to show, to these two only: no email carries it. Nor does the booking
        # event say whether the host gave it already, so this says where it is, true whether given or not.
        if self.role == "host":
            return [self._("It takes place online: the link to join is the one you give on your office hours page, "
                           "shown to %(name)s on their booking.") % values]
        return [self._("It takes place online: the link to join is the one %(name)s gives on the platform, shown on "
                       "your booking there.") % values]

    def office_hour_subject(self, kind: str) -> str:
        """A subject for a message of `NAMING_THE_OTHER_SIDE`, from who the other side is and when the booking starts
        alone: also said once the booking is over, when nothing else of it can be."""
        _ = self._
        return {"office_hours_booked": _("Office hour booked with %(name)s on %(day)s at %(time)s"),
                "office_hours_booked_host": _("%(name)s booked your office hour on %(day)s at %(time)s"),
                "office_hours_reminder": _("Office hour with %(name)s on %(day)s at %(time)s"),
                "office_hours_link_given":
                    _("New link to join your office hour with %(name)s on %(day)s at %(time)s")
                    if self.c.get("replaces_earlier") else
                    _("The link to join your office hour with %(name)s on %(day)s at %(time)s"),
                }[kind] % {"name": self.partner, **self._starting()}

    def _starting(self) -> dict[str, str]:
        """When the booking starts, for a subject, in the reader's zone: its day and time tell apart two office hours
        with one person (a mentee who booked two of a mentor's slots), which the other side's name alone does not."""
        starts = self.booking["starts_at"]
        return {"day": self.r.day(starts), "time": self.r.time(starts)}

    def office_hours_booked(self) -> Message:
        _ = self._
        values = {"name": self.partner}
        return Message(self.office_hour_subject("office_hours_booked"),
                       [_("Your office hour with %(name)s is booked.") % values, *self._how_to_join()],
                       self.booking_details(), self._office_hour_link(),
                       calendar=self.booking_calendar(Method.REQUEST, _("The calendar entry is attached.")))

    def office_hours_booked_host(self) -> Message:
        _ = self._
        values = {"name": self.partner}
        return Message(self.office_hour_subject("office_hours_booked_host"),
                       [_("%(name)s booked one of your office hours.") % values, *self._how_to_join()],
                       self.booking_details(), self._office_hour_link(),
                       calendar=self.booking_calendar(Method.REQUEST, _("The calendar entry is attached.")))

    def office_hours_reminder(self) -> Message:
        _ = self._
        what = _("office hour with %(name)s") % {"name": self.partner}
        starts = self.booking["starts_at"]
        return Message(self.relative_day(starts, what, counted=starts > self.now),
                       [_("A reminder of your office hour with %(name)s.") % {"name": self.partner},
                        *self._how_to_join()],
                       self.booking_details(), self._office_hour_link())

    def office_hours_link_given(self) -> Message:
        """The host gave the link to join, or changed it: where to find it (it never travels in an email). A change
        sends the booking's calendar entry again, to replace a copy that held the earlier link (the web app's
        download holds it); as every copy an email carries, it points to the booking's page, and holds no link."""
        _ = self._
        values = {"name": self.partner, "when": self.r.span(self.booking["starts_at"], self.booking["ends_at"])}
        calendar = None
        if self.c.get("replaces_earlier"):
            said = [_("%(name)s changed the link to join your office hour on %(when)s: the link given before no "
                      "longer works.") % values, _("You will find the new one on your booking, on the platform.")]
            calendar = self.booking_calendar(Method.REQUEST, _(
                "The updated calendar entry is attached: it replaces the one in your calendar and points to your "
                "booking's page, where the new link is."))
        else:
            said = [_("%(name)s gave the link to join your office hour on %(when)s.") % values,
                    _("You will find it on your booking, on the platform.")]
        return Message(self.office_hour_subject("office_hours_link_given"), said, self.booking_details(),
                       self._office_hour_link(), calendar=calendar)

    def office_hours_cancelled(self) -> Message:
        _ = self._
        b = self.booking
        values = {"name": self.partner, "when": self.r.span(b["starts_at"], b["ends_at"]), **self._starting()}
        reason, by = self.c.get("reason_code", "cancelled"), self.c.get("cancelled_by")
        if not self.partner:  # the other side left the platform, and is not named
            subject = _("Cancelled: your office hour on %(day)s at %(time)s") % values
            said = ([_("The person who booked your office hour on %(when)s has left the platform, so the booking is "
                       "cancelled. The slot is open again.") % values] if self.role == "host" else
                    [_("The host of the office hour you booked for %(when)s has left the platform, so it is "
                       "cancelled.") % values])
        else:
            subject = _("Cancelled: your office hour with %(name)s on %(day)s at %(time)s") % values
            # What the reader did themself is said as theirs: it reads otherwise as the other side's doing.
            if by == self.role and reason == "slot_withdrawn":
                subject = _("You withdrew your office hour with %(name)s on %(day)s at %(time)s") % values
                said = [_("You withdrew the office hour %(name)s had booked for %(when)s. They are told by email.")
                        % values]
            elif by == self.role:
                subject = _("You cancelled your office hour with %(name)s on %(day)s at %(time)s") % values
                said = [_("Your office hour with %(name)s on %(when)s is cancelled, as you asked. They are told by "
                          "email.") % values]
            elif reason == "slot_withdrawn":
                said = [_("%(name)s withdrew the office hour you booked for %(when)s.") % values]
            elif self.role == "host":
                said = [_("%(name)s cancelled their booking of your office hour on %(when)s. The slot is open "
                          "again for others to book.") % values]
            else:
                said = [_("%(name)s cancelled the office hour you booked for %(when)s.") % values]
        action = (Action(_("Find another office hour"), self.links.to("office_hours")) if self.role == "participant"
                  else Action(_("See your office hours"), self.links.to("my_office_hours")))
        # Not the sentence of an event's: Spanish says an office hour (la hora de consulta) with another pronoun.
        return Message(subject, said, action=action,
                       calendar=self.booking_calendar(Method.CANCEL, _("The calendar entry attached removes the office "
                                                                       "hour from your calendar.")))

    # --- the digest -----------------------------------------------------------------------------------------

    def daily_digest(self) -> Message:
        _, n_ = self._, self.r.ngettext
        items = self.c.get("items") or []
        return Message(n_("Your daily digest: %(count)s update", "Your daily digest: %(count)s updates",
                          len(items)) % {"count": len(items)},
                       [_("Here is what happened since your last digest:")],
                       bullets=[f"{self.r.moment(item['created_at'])}: {one_line(item['subject'], 300)}"
                                for item in items],
                       action=Action(_("Open your inbox"), self.links.to("inbox")))
