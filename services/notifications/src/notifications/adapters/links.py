"""Where a message sends its reader to act: pages of the web app, under its base URL (the `WEB_BASE_URL` setting).

The web app (issue 11) serves these paths; this table is the one place they are written, for the web app to copy
(each link adds the reader's language, `lang`: see below):

| path                                 | what the reader does there                                              |
| ------------------------------------ | ----------------------------------------------------------------------- |
| `/`                                  | their home page                                                         |
| `/sign-in`                           | sign in                                                                 |
| `/programs/{program_id}`             | a program: enroll, or see their enrollment and its waitlist              |
| `/mentorships/{pairing_id}`          | a pairing: accept or decline it, see it, log a meeting, renew, complete |
| `/mentorships/{pairing_id}/feedback` | tell how a completed mentorship went                                    |
| `/waitlists/{program_id}`            | their place on a program's waitlist; leave it                           |
| `/events`                            | find events                                                             |
| `/events/{scheduled_event_id}`       | an event: details, join link (confirmed registrants), cancel, leave its waitlist |
| `/registrations`                     | their registrations and waitlist places ("my registrations")            |
| `/office-hours`                      | find and book office hours                                              |
| `/office-hours/{slot_id}`            | a booked office hour: details, cancel                                   |
| `/my-office-hours`                   | a host's own office hours: the slots they offer, booked or free         |
| `/inbox`                             | their notifications                                                     |
| `/settings/notifications`            | which emails they get, the daily digest                                 |
| `/account/email/confirm?token=…&lang=…` | confirm a new email address (profiles' single-use, short-lived token) |
| `/unsubscribe?token=…&lang=…`        | stop one category of emails (signed token), one-click POST too (RFC 8058) |
| `/console`                           | the console of coordinators and administrators                          |

Every link also says the language its reader reads their emails in, `?lang=en` or `?lang=es` (a code of
`i18n.LANGUAGES`; after a token, `&lang=es`), for the web app to speak it to a visitor not signed in, whose browser
may be set to another. It is left out for a reader who never said which language they read: the web app goes by their
browser then, as their emails' English is no choice of theirs.

Where a message tells its reader to write to someone (their address changed and they did not change it; organizers
removed them from an event before it began), it gives the national team's address (`contact_email`, the
`CONCERNS_EMAIL` setting): every email comes from a no-reply address, and no chapter's own address reaches
notifications.

A link carries ids only (of a pairing, an event, a program, a slot: never a name, an address or a token) and that
language code: the web app asks the reader to sign in and shows them what they may see. Nothing in a link lets anyone
act without signing in, but two: the confirmation of a new email address carries profiles' single-use token, and is
sent only to that address; an unsubscribe link carries this service's signed token, which stops one category of
emails of the one person it was sent to (the web app asks this service, `/v1/unsubscribe`).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode
from uuid import UUID

from mentorship_contracts.profiles import EMAIL_CONFIRMATION_PAGE

from .i18n import language_of

PATHS: dict[str, str] = {
    "home": "/",
    "sign_in": "/sign-in",
    "program": "/programs/{program_id}",
    "mentorship": "/mentorships/{pairing_id}",
    "feedback": "/mentorships/{pairing_id}/feedback",
    "waitlist": "/waitlists/{program_id}",
    "events": "/events",
    "event": "/events/{scheduled_event_id}",
    "registrations": "/registrations",
    "office_hours": "/office-hours",
    "office_hour": "/office-hours/{slot_id}",
    "my_office_hours": "/my-office-hours",
    "inbox": "/inbox",
    "notification_settings": "/settings/notifications",
    "email_confirmation": EMAIL_CONFIRMATION_PAGE,
    "unsubscribe": "/unsubscribe",
    "console": "/console",
    "vetting": "/console/vetting",
}


# The national team's address of the local runner (`CONCERNS_EMAIL`): the one a message gives where none is set.
DEVELOPMENT_CONTACT_EMAIL = "concerns@mentorship.example"


class Links:
    def __init__(self, web_base_url: str, language: str | None = None, *,
                 contact_email: str = DEVELOPMENT_CONTACT_EMAIL) -> None:
        self._base = web_base_url.rstrip("/")
        # The language notifications writes to the reader in, a code of its own list, whatever tag was said.
        self._language = None if language is None else language_of(language)
        # Whom a reader writes to where a message tells them to tell someone (every email comes from a no-reply
        # address): the national team's (`CONCERNS_EMAIL`). No chapter's own address reaches notifications.
        self.contact_email = contact_email

    def reading(self, language: str | None) -> Links:
        """These links for a reader of `language` (a BCP 47 tag, as contacts keep it; None: never said)."""
        return Links(self._base, language, contact_email=self.contact_email)

    def _lang(self, separator: str) -> str:
        """The reader's language as the query says it, after `separator` (a code of ours: nothing to encode)."""
        return f"{separator}lang={self._language}" if self._language else ""

    def to(self, page: str, **ids: UUID | str) -> str:
        """The URL of a page of the web app; every parameter is an id (a UUID), so it can carry nothing else."""
        values = {name: quote(str(UUID(str(value))), safe="") for name, value in ids.items()}
        return self._base + PATHS[page].format(**values) + self._lang("?")

    def unsubscribe(self, token: str) -> str:
        """The unsubscribe page of the web app, for the link in an email (and its List-Unsubscribe header)."""
        return f"{self._base}{PATHS['unsubscribe']}?{urlencode({'token': token})}{self._lang('&')}"

    def email_confirmation(self, path_and_query: str) -> str:
        """The link profiles made for confirming a new address: the confirmation page and its token, nothing else."""
        if not path_and_query.startswith(EMAIL_CONFIRMATION_PAGE + "?"):
            raise ValueError("not the confirmation page")
        return self._base + path_and_query + self._lang("&")
