"""The console's words for the services' codes, marked `C_` (the console's own gettext domain, `console.po`):
templates show `t(label)`, in the page's language. Labels the participants' pages already have (stages, pairing
statuses, reasons) come from `web.entrypoints.labels` and its catalogue."""

from __future__ import annotations

from ..adapters.rendering import in_context


def C_(message: str) -> str:  # noqa: N802 - the console catalogue's marker for strings translated later
    return message


def CC_(context: str, message: str) -> str:  # noqa: N802 - the same, for a word whose translation depends on what
    return in_context(context, message)   # it says it of: its `msgctxt` in console.po


ROLES = {"mentor": C_("Mentor"), "mentee": C_("Mentee")}
# A role said after a name, as in "Ana (mentee)".
ROLES_AFTER_NAME = {"mentor": C_("mentor"), "mentee": C_("mentee")}

APPROVAL = {"pending": C_("Awaiting approval"), "approved": C_("Approved"), "suspended": C_("Suspended"),
            "not_required": C_("No approval needed")}
# A mentor's suspended enrollment, on their page, by its `was_approved`: profiles suspends it both to decline an offer
# to mentor (false) and to suspend an approved mentor (true). Null (or absent): one suspended before profiles kept
# which, so neither is claimed.
MENTOR_SUSPENDED = {False: C_("Declined as a mentor"), True: C_("Suspended as a mentor"),
                    None: C_("Not approved to mentor (declined, or suspended)")}
# The same in the list of people, briefly; its filter on "suspended" finds both.
SUSPENDED_BRIEFLY = {False: CC_("a mentor", "Declined"), True: C_("Suspended"), None: C_("Declined or suspended")}
# A person's account, by the list of people's filter on `suspended`.
ACCOUNT_STATE = {"false": CC_("an account", "Active"), "true": CC_("an account", "Suspended")}
# An event's or a program's: the participants' pages say "Waitlist" of a mentee's wait for a mentor alone.
WAITLIST = CC_("those waiting", "Waitlist")
# `mentor.suspended` in the audit trail, by its entry's `was_approved` (false: declined; absent: it does not say).
MENTOR_STOPPED = {False: C_("Declined a mentor"), True: C_("Suspended a mentor"),
                  None: C_("Declined or suspended a mentor")}

ROSTER_STATUS = {
    "confirmed": C_("Has a seat"),
    "waitlisted": C_("On the waitlist"),
    "cancelled": C_("Cancelled"),
    "removed": C_("Removed by an organizer"),
}
# Once the event is held, those still waitlisted waited in vain (events tells them the waitlist closed). Once it is
# cancelled, events cancels every registration with it, and its roster says "cancelled" of those as of one its
# registrant cancelled before: which it was is not claimed (a removal by an organizer still says so).
WAITED_IN_VAIN = C_("Waited: got no seat")
HAD_A_SEAT = C_("Had a seat")
REGISTRATION_CANCELLED = C_("Registration cancelled")


def roster_status(event_state: str, status: str) -> str:
    """A registration's words on the roster (and in its file), by the state of its event."""
    if event_state == "completed" and status == "waitlisted":
        return WAITED_IN_VAIN
    if event_state == "completed" and status == "confirmed":
        return HAD_A_SEAT
    if event_state == "cancelled" and status == "cancelled":
        return REGISTRATION_CANCELLED
    return ROSTER_STATUS.get(status, status)


# Events' state "completed" is an event held: the console says "held" for it throughout, as it says marking it so.
EVENT_STATE = {"draft": C_("Draft"), "published": C_("Published"), "cancelled": CC_("an event", "Cancelled"),
               "completed": CC_("an event", "Held")}

# The events page's lists, one at a time: a published event is "not over" until it ends, and lists as begun from its
# start (then it waits to be marked held).
EVENT_LISTS = {"published": C_("Published, not over"), "over": C_("Published, begun or over: to mark held"),
               "draft": C_("Drafts"), "cancelled": CC_("events", "Cancelled"), "completed": CC_("events", "Held")}

ROUND_STATUS = {
    "queued": C_("Waiting to run"),
    "running": C_("Running"),
    "draft": C_("Draft: waiting for your review"),
    # Words of their own, not an event's: Spanish agrees them with "ronda".
    "published": C_("Published: its pairs were proposed"),
    "discarded": C_("Discarded: nothing was proposed"),
    "failed": C_("Failed"),
    "done": C_("Done: its pairs were made"),
}

# Why a mentee stays unpaired in a round (matching's codes), in a coordinator's words.
UNPAIRED = {
    "no_eligible_mentor": C_("No mentor in the program fits their stage and needs"),
    "below_minimum_score": C_("No mentor reaches the program's minimum score for them"),
    "program_cap_reached": C_("The program has reached its number of pairs"),
    # Some mentor fits them, identity aside, yet the round paired others: true whether their mentors went to others (an
    # optimal round pairs anyone a mentor with room still fits) or a requirement of theirs, never said, is met by none
    # with room. "Left out of the best pairing", beside a mentor with room and no other pair, told of a requirement.
    "mentors_full": C_("No mentor with room left after this round fits them"),
    "fitting_mentors_full": C_("Every mentor who fits them is full"),
    "removed_by_coordinator": C_("Removed from this draft by a coordinator"),
}
# Why publishing skipped a drafted pair (the roster changed meanwhile).
SKIPPED = {
    "mentee_no_longer_waiting": C_("The mentee is no longer waiting"),
    "mentor_no_longer_available": C_("The mentor is no longer available"),
    # The rules, as matching names a refusal anywhere (never telling an identity requirement from fit).
    "mentor_full": C_("The mentor has no room left"),
    "program_cap_reached": C_("The program has reached its number of pairs"),
    "stage_not_eligible": C_("One of them is no longer at a stage the program pairs this way"),
    "not_suitable": C_("The pair no longer meets the program's requirements"),
    "mentor_not_approved": C_("The mentor is no longer approved"),
    "different_kind": C_("They are no longer enrolled for the same kind of mentorship"),
    "same_person": C_("A person cannot be paired with themself"),
    "declined_or_ended_before": C_("They were paired before, and it was declined, ended or withdrawn"),
    "no_shared_language": C_("They no longer have a language in common to meet in"),
}
SKIPPED_OTHERWISE = C_("Could not be paired as drafted")  # a reason matching gives that the console has no words for
UNPAIRED_OTHERWISE = C_("Could not be paired this time")  # likewise, for a mentee a round left unpaired

# Why matching proposes a pair, as a coordinator reads it (third person: the participants' words say "you").
REASONS = {
    "specialty_overlap": C_("They share an interest in the same specialty"),
    "support_offered": C_("The mentor offers the kind of support the mentee asked for"),
    "near_peer": C_("The mentor is a step or two ahead on the path"),
    "further_along": C_("The mentor is further along the path"),
    "shared_language": C_("They speak a language in common"),
    "format_compatible": C_("They can meet the same way (online or in person)"),
    "same_region": C_("They live in the same region"),
    "same_time_zone": C_("They are in the same time zone"),
    "requested": C_("The mentee asked for this mentor"),
    "made_by_hand": C_("Paired by a coordinator"),
}

# A program's settings (profiles' ProgramIn), in a coordinator's words: how pairs form (`pairing_mode`), with what
# each way means; the sentence a program's pages say instead of offering rounds; formats; kinds of mentorship.
PAIRING_MODES = {
    "on_registration": C_("Automatically, as people sign up"),
    "rounds": C_("In rounds you run and review"),
    "mentee_choice": C_("Mentees choose from suggestions"),
}
PAIRING_MODE_HINTS = {
    "on_registration": C_("Each mentee is paired with a mentor who fits as soon as they join; when no mentor has "
                          "room, they wait."),
    "rounds": C_("You run a round when you choose. It drafts pairs for you to review: nobody is told anything until "
                 "you publish it."),
    "mentee_choice": C_("Each mentee sees the mentors who fit them best and asks the one they choose."),
}
PAIRS_FORM = {
    "on_registration": C_("Pairs form automatically as people sign up: there are no rounds to run."),
    "rounds": C_("Pairs form in rounds you run and review."),
    "mentee_choice": C_("Mentees choose their mentor from suggestions: there are no rounds to run."),
}
FORMATS = {"one_to_one": C_("One-to-one: a mentor and a mentee"),
           "group": C_("Groups: a mentor with a group of mentees")}
PAIRING_KINDS = {
    "general": C_("General mentorship"),
    "academic": C_("Academic"),
    "clinical": C_("Clinical"),
    "research": C_("Research"),
    "career": C_("Career"),
}
# What to do about a setting profiles refuses (its field; `invalid_request`, or a rule of the program's, `invalid`).
PROGRAM_PROBLEMS = {
    "name": C_("Give the program a name."),
    "chapter_id": C_("Choose one of your chapters."),
    "mentee_stages": C_("Choose at least one stage for mentees."),
    "mentor_stages": C_("Choose at least one stage for mentors."),
    "term_months": C_("Give a whole number of months from 1 to 60."),
    "cadence_min_days": C_("Give the fewest days between meetings: a whole number from 1 to 365."),
    "cadence_max_days": C_("Give the most days between meetings: a whole number from 1 to 365."),
    "format": C_("Choose one-to-one or groups."),
    "group_size": C_("Give the size of each group: 2 to 50 people."),
    "pairing_mode": C_("Choose how pairs form."),
    "pair_cap": C_("Give a cap on pairs: a whole number from 1 to 100,000, or leave it empty for no cap."),
    "answer_within_days": C_("Give the days to answer a proposal: a whole number from 1 to 365, or leave it empty "
                             "for the platform's default."),
    "minimum_score": C_("Give a minimum fit score: a whole number from 0 to 100."),
    "pairing_kinds": C_("Choose at least one kind of mentorship."),
}
# profiles' rule for a program open to high-school students (most are minors), said next to the setting it needs.
FOR_MINORS = {
    "mentor_approval_required": C_("A program open to high-school students reviews its mentors first: tick this, "
                                   "or take high-school students out of its mentees."),
    "both_must_accept": C_("A program open to high-school students asks both sides to accept each pair: tick this, "
                           "or take high-school students out of its mentees."),
}
# Said once a seat is released at the door with HTMX, as the page's notice says it without.
SEAT_RELEASED = C_("%(name)s's seat is released, and they are emailed why.")
# profiles' refusal to switch either off while high-school students are enrolled as mentees, whatever stages remain.
MINORS_ENROLLED = C_("High-school students are enrolled in this program as mentees: it keeps reviewing its mentors "
                     "and asking both sides to accept each pair.")
# What an event's field needs, when it is missing or events refuses it as malformed (`invalid_request`).
EVENT_PROBLEMS = {
    "title": C_("Give the event a title."),
    "kind": C_("Choose what kind of event it is."),
    "chapter_id": C_("Choose one of your chapters."),
    "timezone": C_("Choose the time zone of its times."),
    "starts_at": C_("Give the day and time it starts."),
    "ends_at": C_("Give the day and time it ends."),
    "registration_deadline": C_("Give the day and time registration closes."),
    "capacity": C_("Give the number of seats: a whole number from 1 to 100,000."),
    "virtual_link": C_("Give the link to join as a web address that starts with https://, of at most 500 characters."),
    "location": C_("Give the place in at most 300 characters."),
}
# "Conference session" chosen in a new event's form: which conference is known only from the conference's page.
SESSION_FROM_ITS_CONFERENCE = C_("A session belongs to a conference: open the conference's page and choose “Add a "
                                 "session” there.")
CHAPTER_PROBLEMS = {
    "name": C_("Give the chapter a name."),
    "timezone": C_("Choose one of the time zones listed."),
    "contact_email": C_("Give an email address, like mentoring@chapter.example, or leave it empty."),
}
NOTE_TOO_LONG = C_("Keep the note to %(limit)s characters or fewer: this one has %(count)s.")
NAME_TOO_LONG = C_("Keep the name to %(limit)s characters or fewer: this one has %(count)s.")
PROGRAM_RULES = {
    "cadence_max_days": C_("The most days between meetings cannot be fewer than the fewest."),
    "pairing_kinds": C_("Choose each kind of mentorship once."),
}
# profiles keeps whether other teams may see who takes part in a program once anyone has enrolled or been invited (a
# refusal naming `members_public`), in a coordinator's words.
MEMBERS_FIXED = C_("People have enrolled or been invited trusting who may see that they did: this stays as it was.")

# What is wrong with a row of an invitation file (profiles' codes).
CSV_PROBLEMS = {
    "required": C_("missing"),
    "invalid_email": C_("not an email address"),
    "unknown_stage": C_("not a stage we know"),
    "unknown_language": C_("not a language the emails are written in (en, English; es, Spanish)"),
    "stage_not_eligible": C_("this stage cannot join the program in the role you chose"),
    "duplicate_in_file": C_("the same address is earlier in the file"),
    "too_long": C_("too long"),
    "control_characters": C_("has characters that cannot be shown"),
    "missing_column": C_("the file's first line does not name this column"),
    "too_many_rows": C_("the file has more than 1000 rows"),
    "unreadable": C_("the file cannot be read as a CSV file (a field may be far too long)"),
    "already_registered": C_("registered already, and this program is not open to them"),
    # Registered before at a stage the program does not take in this role (whatever stage the file says).
    "registered_stage_not_eligible": C_("registered already at a stage this program does not take in this role"),
}
CSV_FIELDS = {"name": C_("Name"), "email": C_("Email"), "stage": C_("Stage"), "language": C_("Language"),
              "row": C_("Row")}
ALREADY = {"invited": C_("Invited before: not invited again"), "enrolled": C_("Already in the program")}

END_REASONS = {
    "goals_met": C_("They met their goals"),
    "not_a_good_fit": CC_("said of the pair", "Not a good fit"),
    "schedule_conflict": C_("Schedules do not allow it"),
    "no_longer_available": C_("Someone is no longer available"),
    "relocated": C_("Someone moved"),
    "conduct": C_("A problem of conduct"),
    "not_responding": C_("One of them stopped answering"),
    "other": C_("Another reason"),
}
# Why a coordinator withdraws a proposal waiting for answers (matching's WithdrawReason): END_REASONS' words.
WITHDRAW_REASONS = {code: END_REASONS[code]
                    for code in ("not_a_good_fit", "schedule_conflict", "no_longer_available", "other")}

# Why a pairing closed (matching's codes), for staff: a side's or the program's reason category, or what closed it.
CLOSED_REASONS = {
    **END_REASONS,
    "prefer_another_mentor": C_("The mentee would prefer another mentor"),
    "unanswered": C_("Not answered in time"),
    "another_request_accepted": C_("Another mentor accepted the mentee's request"),
    "request_withdrawn": C_("The mentee withdrew the request"),
    "no_reason_given": C_("No reason given"),
    "withdrawn": C_("Someone left the program"),
    "mentor_suspended": C_("The mentor was suspended"),
    "person_erased": C_("Someone erased their account"),
    "reassigned": C_("A coordinator reassigned the mentee"),
    "term_completed": C_("The term was completed"),
}
# Who chose the reason a pairing closed for (matching's `closed_by`), said beside the reasons a side or a coordinator
# picks; the others say already what closed it.
CLOSED_BY = {"mentee": C_("given by the mentee"), "mentor": C_("given by the mentor"),
             "program": C_("given by a coordinator")}
CHOSEN_REASONS = frozenset({*END_REASONS, "prefer_another_mentor"})
# Who left the program, where matching says which side it closed for (`closed_by`): four rows of "someone left"
# did not tell a coordinator whether a mentor or their mentees had gone.
LEFT_BY = {"mentee": C_("The mentee left the program"), "mentor": C_("The mentor left the program")}
# A proposal the program withdrew (matching's status `declined`, closed by the program): its status.
WITHDRAWN = C_("Withdrawn")
# A proposal a coordinator withdrew (declined, closed by the program, with a reason they chose), said as such.
WITHDRAWN_BECAUSE = C_("Withdrawn by a coordinator: %(reason)s")
# Matching refuses to withdraw a pairing no longer waiting for answers (`transition_not_allowed`).
# Matching refuses to reassign a pairing no longer as the coordinator saw it (`transition_not_allowed`).
CHANGED_MEANWHILE = C_("This mentorship changed meanwhile: it was accepted or closed, so nothing was done. The page "
                       "shows what you can do now.")
NOT_WITHDRAWN = C_("This proposal can no longer be withdrawn: it has been accepted or has closed meanwhile.")

# Columns of the services' published report tables (their codes, "<stage>:<measure>" or a measure alone).
MEASURES = {
    "invited": C_("Invited"),
    "enrolled": C_("Enrolled"),
    "enrolled_mentees": C_("Enrolled mentees"),
    "enrolled_mentors": C_("Enrolled mentors"),
    "mentees": C_("Mentees"),
    "mentors": C_("Mentors"),
    "waiting": C_("Waiting"),
    # Matching's count of mentees ever paired, accepted yet or not: one waiting again after a mentorship is in both.
    "paired": C_("Ever paired, proposals included"),
    "confirmed": C_("Confirmed"),  # a month's mentorships confirmed (matching's "paired" in its trends)
    "active": CC_("mentorships", "Active"),
    "completed": CC_("mentorships", "Completed"),
    "ended_early": C_("Ended early"),
    "registered": C_("Registered"),
    "attended": C_("Attended"),
    "no_show": CC_("a count of people", "Did not come"),
    "cancelled": CC_("registrations", "Cancelled"),
    "0": C_("No meetings"),
    "1-2": C_("1 or 2 meetings"),
    "3-5": C_("3 to 5 meetings"),
    "6+": C_("6 meetings or more"),
    "pairings": C_("Pairings"),
}

AUDIT_ACTIONS = {
    "people.listed": C_("Looked at a list of people"),
    "people.contacts_read": C_("Read people's email addresses (an export)"),
    "person.viewed": C_("Looked at a person's page"),
    "people.invited": C_("Invited people"),
    "mentor.approved": C_("Approved a mentor"),
    "mentor.suspended": C_("Suspended a mentor"),
    # Matching's ending for a problem of conduct, reported by one side: the other is held until staff look into it.
    "enrollment.held_for_review": C_("Held someone reported for a problem of conduct for review"),
    "enrollment.review_cleared": C_("Cleared a review after a report of conduct"),
    "person.suspended": C_("Suspended a person"),
    "person.reinstated": C_("Reinstated a person"),
    "person.erased": C_("Erased a person and their data"),
    # An operator's, after a database was restored from a backup (`python -m profiles erase-again`).
    "people.erased_again": C_("Erased again everyone erased since a backup was taken"),
    "role.granted": C_("Granted a role"),
    "role.revoked": C_("Revoked a role"),
    "report.exported": C_("Exported a report"),
    "pairings.listed": C_("Looked at a program's mentorships"),
    "feedback.read": C_("Read a program's feedback"),
    "pairing.made_by_hand": C_("Paired two people by hand"),
    "pairing.reassigned": C_("Reassigned a mentee"),
    "pairing.withdrawn": C_("Withdrew a proposal"),
    "pairing.ended": C_("Ended a mentorship"),
    "round.requested": C_("Ran a round"),
    "round.viewed": C_("Looked at a round"),
    "round.published": C_("Published a round"),
    "round.discarded": C_("Discarded a round"),
    "round.edited": C_("Changed a draft round"),
    "roster.viewed": C_("Looked at an event's roster"),
    "registrant.removed": C_("Removed someone from an event"),
    "attendance.exported": C_("Exported an event's attendance"),
    "email.sent_again": C_("Sent an email again"),
    "event.messaged": C_("Wrote to an event's registrants"),
    "program.defined": C_("Added a program"),
    "program.changed": C_("Changed a program's settings"),
    "chapter.defined": C_("Added a chapter"),
    "chapter.changed": C_("Changed a chapter"),
    "person_pairings.read": C_("Looked at a person's mentorships"),
    "event.created": C_("Drafted an event"),
    "event.edited": C_("Changed an event"),
    "event.published": C_("Published an event"),
    "event.cancelled": C_("Cancelled an event"),
    "event.completed": C_("Marked an event held"),
    "registrant.checked_in": C_("Checked someone in at an event"),
    "registrant.check_in_undone": C_("Undid someone's check-in at an event"),
    "registrant.given_a_seat_at_the_door": C_("Gave someone waiting at the door a free seat at an event"),
    "attendance.recorded": C_("Recorded whether someone came to an event"),
    "slot.offered": C_("Offered an office-hour slot on its host's behalf"),
    "slot.link_given": C_("Gave the link to join an office-hour slot"),
    "slot.withdrawn": C_("Withdrew an office-hour slot"),
    "slot.booked": C_("Booked an office-hour slot for someone"),
    "slot.booking_cancelled": C_("Cancelled someone's office-hour booking"),
}

# What an audit entry is about, for the kinds the trail shows no page of (a person, mentorships, rounds, events,
# programs and emails are linked; people without one named are a list of them).
AUDIT_SUBJECTS = {
    "person": C_("people"),
    "program": C_("a program"),
    "chapter": C_("a chapter"),
    "report": C_("a report"),
    "registration": C_("a registration"),
    "enrollment": C_("an enrollment"),
    "office_hour_slot": C_("an office-hour slot"),
}

# Notifications' kinds of message, for the emails that did not arrive.
EMAIL_KINDS = {
    "welcome": C_("Welcome"),
    "mentor_approved": C_("Approved as a mentor"),
    "mentor_suspended": C_("Mentoring declined or on hold"),
    "staff_role_changed": C_("Their staff role changed"),  # which role, STAFF_ROLE_EMAILS says where known
    "review_asked": C_("Asked to look into a report of conduct, or to approve a mentor"),
    "review_cleared": C_("Resumed after a report of conduct was looked into"),
    "email_change": C_("Confirm a new email address"),
    "account_reinstated": C_("Account active again after a suspension"),
    "email_changed": C_("Email address changed (to the old one)"),
    "pairing_proposed": C_("A mentorship is proposed"),
    "pairing_confirmed": C_("A mentorship is confirmed"),
    "waitlist_paired": C_("Paired after waiting"),
    # Also a proposal the program withdrew, or one that lapsed unanswered: not always a side's "no".
    "pairing_declined": C_("A proposal or request did not go ahead"),
    "answer_due": C_("Reminded to answer a proposal"),
    "mentoring_paused": C_("New mentees paused after proposals lapsed"),
    "pairing_ended": C_("A mentorship ended"),
    "partner_left": C_("Their partner left the program"),
    "pairing_renewed": C_("A mentorship is renewed"),
    "renewal_due": C_("Time to renew or complete"),
    "meeting_overdue": C_("A meeting is overdue"),
    "feedback_request": C_("Feedback asked for"),
    "mentee_waitlisted": C_("On the waitlist"),
    "registration_confirmed": C_("Registered for an event"),
    "registration_waitlisted": C_("On an event's waitlist"),
    "registration_promoted": C_("A seat opened at an event"),
    "registration_cancelled": C_("A registration is cancelled"),
    "registration_removed": C_("Removed from an event"),
    "join_link": C_("An event's joining link"),
    "event_cancelled": C_("An event is cancelled"),
    "event_updated": C_("An event changed"),
    "event_reminder": C_("An event reminder"),
    "organiser_message": C_("A message from an event's organizers"),
    "waitlist_closed": C_("An event's waitlist closed"),
    "office_hours_booked": C_("Office hours booked"),
    "office_hours_booked_host": C_("Office hours booked (to the host)"),
    "office_hours_reminder": C_("An office hours reminder"),
    "office_hours_cancelled": C_("Office hours cancelled"),
    "office_hours_link_given": C_("An office hour's joining link given"),
    "daily_digest": C_("Daily digest"),
}

# An email telling someone of a staff role (`staff_role_changed`), by what its parameters say: the role, and whether
# it was given or taken away (a coordinator's chapter is the email's).
STAFF_ROLE_EMAILS = {
    ("coordinator", True): C_("Made a coordinator of %(chapter)s"),
    ("coordinator", False): C_("No longer a coordinator of %(chapter)s"),
    ("administrator", True): C_("Made a national administrator"),
    ("administrator", False): C_("No longer a national administrator"),
}

# What became of an email, on a person's page.
DELIVERY_STATUS = {
    "pending": C_("Waiting to go"),
    "sending": C_("Going now"),
    "sent": C_("Sent"),
    "failed": C_("Refused on every try"),
    "unconfirmed": C_("May not have arrived"),
    "in_app": C_("In their messages only: they chose no email of this kind"),
    "digest_pending": C_("Waiting for their daily digest"),
    "digested": C_("Sent in their daily digest"),
    "cancelled": C_("Not sent: no longer needed (replaced by a later email, or what it said had changed)"),
}

# What became of an email that did not arrive.
NOT_ARRIVED = {
    "failed": C_("Refused on every try"),
    "unconfirmed": C_("May not have arrived: sending stopped part way, so it is not sent again by itself"),
}

ERRORS = {
    "not_found": C_("There is nothing here, or it is not in your chapters."),
    # A session published before its conference (events publishes it once its conference is).
    "conference_not_published": C_("Publish the conference first: its sessions are shown with it."),
    "sessions_outside_conference": C_("Some of its sessions would fall outside the conference: move them within its "
                                      "new times first, or cancel them."),
    "forbidden": C_("This is not in your chapters."),
    "mentor_full": C_("This mentor has no room for another mentee. To pair them all the same, give a reason to "
                      "override."),
    "not_enrolled": C_("This person is not enrolled in this program in that role."),
    "already_paired": C_("This mentee already has a mentor in this program."),
    "stage_not_eligible": C_("This stage cannot join this program in this role. To pair them all the same, give a "
                             "reason to override."),
    "not_suitable": C_("This pair does not meet the program's requirements. To pair them all the same, give "
                              "a reason to override."),
    "program_cap_reached": C_("The program has reached its number of pairs. To pair them all the same, give a "
                              "reason to override."),
    "no_shared_language": C_("They have no language in common to meet in, by the languages each listed. To pair them "
                             "all the same (they share another language, say), give a reason to override."),
    "declined_or_ended_before": C_("They were paired before: one of them declined or ended it, or it lapsed "
                                   "unanswered or was withdrawn. They are not paired again. Choose another mentor."),
    "ended_by_coordinator_before": C_("A coordinator ended their mentorship before. To pair them again, give a reason "
                                      "to override."),
    "mentor_not_approved": C_("This mentor is not approved for this program yet: approve them in Vetting first."),
    "different_kind": C_("This mentor offers another kind of mentorship than the mentee is looking for."),
    "matching_profile_missing": C_("Matching has not received this person's profile yet. Try again in a minute."),
    "same_person": C_("A person cannot be paired with themself."),
    "person_suspended": C_("This person is suspended."),
    "withdrawn": C_("This person has left the program."),
    "person_paused": C_("They paused: nobody new is paired with them, by hand either, until they resume. Ask them to "
                        "resume first, or choose someone else."),
    "round_not_draft": C_("This round is no longer a draft."),
    "round_open": C_("A round of this program is already open: review its draft, then publish or discard it, before "
                     "running another."),
    "not_in_draft": C_("This mentee is not paired in this draft."),
    "last_administrator": C_("The platform needs at least one administrator."),
    "cannot_suspend_yourself": C_("You cannot suspend yourself: a national administrator can, if it must be done."),
    "cannot_erase_yourself": C_("You cannot erase yourself from the console: do it from your own data page."),
    "chapter_name_taken": C_("Another chapter has this name: give this one a name of its own, so that staff can tell "
                             "them apart."),
    "program_name_taken": C_("Another program of the same chapter has this name: give this one a name of its own, so "
                             "that people can tell them apart."),
    "wrong_state": C_("This cannot be done any more: things have moved on. Reload the page."),
    "transition_not_allowed": C_("This mentorship can no longer change this way."),
    "registration_closed": C_("Registration for this event has closed."),
    "not_confirmed": C_("This person has no seat at this event."),
    "check_in_not_open": C_("Check-in opens on the day of the event (from midnight in its time zone, or 3 hours "
                            "before it starts if that is earlier): who came is recorded from then."),
    "no_free_seat": C_("Every seat is taken now: nobody can be given one until one is freed."),
    "invalid_request": C_("Something in the form is not right; please check it."),
    "service_unavailable": C_("Part of the platform is not answering right now. Please try again in a minute."),
    "csrf": C_("This form has expired. Please reload the page and try again."),
    "reason_required": C_("Give a reason."),
    "end_reason_code_required": C_("Choose why it ends."),
    "end_words_required": C_("Say in a few words why it ends."),
    # Events could not seal the reason under the registrant's key (profiles away): nothing changed.
    "profiles_unavailable": C_("Nothing was changed: this could not be done just now. Try again in a moment."),
    "choose_file": C_("Choose a CSV file, or paste its text."),
    "choose_person": C_("Choose a person."),
    "choose_role": C_("Choose mentor or mentee."),
    "choose_mentee": C_("Choose a mentee from the waitlist."),
    "choose_mentor": C_("Choose a mentor."),
    "choose_unpaired_mentee": C_("Choose a mentee."),
    "choose_two_mentees": C_("Choose two different mentees."),
    "choose_first_mentee": C_("Choose the first mentee."),
    "choose_second_mentee": C_("Choose the second mentee."),
    "same_mentor": C_("These two mentees are drafted with the same mentor: swapping them would change nothing."),
    "no_one_in_file": C_("Choose a file with people in it: below its header row (name,email,stage), one row for each "
                         "person."),
    "nothing_to_send_again": C_("This email is already on its way again, or has arrived."),
    "link_not_kept": C_("An email to confirm a new address cannot be sent again: its link is not kept. Ask the "
                        "person to change their address again."),
    "too_many_messages": C_("Five messages have gone to this event's registrants in the last day: that is the most "
                            "the platform sends, so that people keep reading them. Put what is left in the next one, "
                            "tomorrow."),
    "event_cancelled": C_("This event is cancelled: its registrants were told, and no more messages go to them."),
    "unknown_event": C_("Nobody has registered for this event yet: there is nobody to send a message to."),
    "choose_recipients": C_("Choose who gets the message."),
    "write_message": C_("Write the message."),
    "message_too_long": C_("Keep the message to 2,000 characters or fewer: people read it on a phone."),
    "address_not_kept": C_("An email to the address a person replaced cannot be sent again: that address is not "
                           "kept."),
}
# Events' rules of how an event's fields fit together, which the form also checks so that it says them all at once.
START_PAST = C_("The start is past: choose a time to come.")
STARTED = C_("The event has started: its start can no longer change.")
END_PAST = C_("The end is past. To end the event now, mark it held.")
END_BEFORE_START = C_("The end is before the start: choose an end after it.")
REGISTRATION_AFTER_START = C_("Registration closes after the start: choose a time before the event starts.")
NO_PLACE = C_("Give the place, or tick 'Online' for an event held online.")
LINK_NOT_ONLINE = C_("Only an online event has a link to join: tick 'Online', or leave the link empty.")
# A conference moved so that some of its sessions (not cancelled) would fall outside it: `titles`, those events names.
SESSIONS_OUTSIDE = C_("These sessions would fall outside the conference: %(titles)s. Move them within its new times "
                      "first, or cancel them.")
SESSIONS_OUTSIDE_UNNAMED = ERRORS["sessions_outside_conference"]
# What events means when it refuses an event's form as `invalid`: the field it names, and how its message begins
# (events words each rule once, in English, for developers), in the coordinator's words.
EVENT_INVALID = (
    ("attendees_public", "people have registered",
     C_("Someone has registered since this page opened, trusting who may see that they did: it stays as it was.")),
    ("starts_at", "an event is created to start in the future", START_PAST),
    ("starts_at", "an event is not moved into the past", START_PAST),
    ("starts_at", "this event has started", STARTED),
    ("starts_at", "a session takes place during its conference",
     C_("A session takes place during its conference: choose a time within it.")),
    ("ends_at", "an event ends after it starts", END_BEFORE_START),
    ("ends_at", "an event's end is not moved into the past", END_PAST),
    ("registration_deadline", "registration closes before the event starts", REGISTRATION_AFTER_START),
    ("location", "an event takes place at a location", NO_PLACE),
    ("virtual_link", "only a virtual event has a virtual link", LINK_NOT_ONLINE),
    ("capacity", "", C_("More people already have a seat than this: keep at least that many seats.")),
    ("timezone", "unknown time zone", C_("Choose a time zone from the list.")),
)

# What an audit entry's detail says beyond its action, where the action alone is too vague to act on: which role was
# granted or taken back, which report was exported (its subject), how many were invited (as what).
AUDITED_ROLES = {"administrator": C_("national administrator"), "coordinator": C_("coordinator")}
AUDITED_REPORTS = {"people": C_("People"), "mentorships": C_("Mentorships"), "mentorship_trends": C_("Trends"),
                   "attendance": C_("Event attendance")}

# Why matching refuses a swap in a draft (a rule one of the two new pairs would break, on `mentee_a` or `mentee_b`),
# said of that mentee: a swap has no reason to override with, unlike a pair made by hand.
SWAP_REFUSED = C_("Swapped, %(name)s and their new mentor would not make a pair the program allows (%(rule)s). Choose "
                  "other mentees to swap; once the round is published, a pair can be made by hand, with a reason.")
# A pair added to a draft refused by a program's rule: a draft has no reason to override with either.
ADD_REFUSED = C_("%(name)s and this mentor would not make a pair the program allows (%(rule)s). Choose another mentor, or "
                 "remove one of their pairs first; once the round is published, a pair can be made by hand, with a "
                 "reason.")
UNKNOWN = C_("Unknown")  # someone whose name is not known (any more)
SWAP_RULES = {
    "mentor_full": C_("the mentor has no room"),
    "program_cap_reached": C_("the program has reached its number of pairs"),
    "stage_not_eligible": C_("a stage the program or the mentor does not pair"),
    "not_suitable": C_("the pair falls short of the program's requirements"),
    "mentor_not_approved": C_("the mentor is not approved"),
    "different_kind": C_("another kind of mentorship"),
    "declined_or_ended_before": C_("they declined or ended a pair together before"),
    "no_shared_language": C_("no language in common to meet in"),
}
# The refusals of a pair made by hand that a reason overrides: said next to the reason's box, which is what to fill.
OVERRIDDEN_BY_A_REASON = frozenset({"ended_by_coordinator_before", "mentor_full", "stage_not_eligible",
                                    "not_suitable", "program_cap_reached", "no_shared_language"})

GENERIC_ERROR = C_("That did not work. Please try again.")
# Events refuses a change (`wrong_state`) to an event that has been held: said so, rather than that things moved on.
EVENT_HELD = C_("This event has been held: it can no longer change.")

# Why profiles leaves a suspension or a reinstatement to an administrator (a 403 on `person_id`; its messages, the
# only thing telling its two reasons apart), in a coordinator's words.
ADMINISTRATORS_CALL = {
    "only an administrator suspends or reinstates a coordinator or an administrator":
        C_("Only an administrator can suspend or reinstate a coordinator or an administrator."),
    "an administrator suspended this person: only an administrator reinstates them":
        C_("An administrator suspended this person: only an administrator can reinstate them."),
}
ADMINISTRATORS_CALL_OTHERWISE = C_("Only an administrator can do this for this person.")

DONE = {
    "approved": C_("The mentor is approved."),
    "suspended": C_("Suspended."),
    "declined": C_("Declined: the mentor is told they were not approved."),
    "reinstated": C_("Reinstated."),
    "review_cleared": C_("Resumed: they may be paired again."),
    "invitation_sent_again": C_("The invitation is sent again, with a new link."),
    "not_sent": C_("The mail server did not take the email. Try again in a few minutes."),
    "erased": C_("The person is erased: every service forgets them."),
    "paired": C_("The pair is proposed: both are told by email."),
    "reassigned": C_("The mentee is proposed to the new mentor."),
    "withdrawn": C_("The proposal is withdrawn: both are told by email."),
    "ended": C_("The mentorship has ended."),
    "removed": C_("Removed from the draft."),
    "pair_added": C_("The pair is added to the draft."),
    "swapped": C_("The two mentees' mentors are swapped."),
    "published": C_("The round is published: the pairs are proposed and emailed."),
    "discarded": C_("The draft is discarded."),
    "round_started": C_("The round is running. This page shows the draft when it is ready."),
    "event_saved": C_("The event is saved."),
    "event_saved_told": C_("The event is saved. Everyone with a seat or on the waitlist is emailed the change."),
    "event_saved_link_sent": C_("The event is saved. Everyone with a seat is emailed the link to join."),
    "event_published": C_("The event is published."),
    "event_cancelled": C_("The event is cancelled."),
    "event_completed": C_("The event is marked held: those checked in are recorded as attending, the others as "
                          "not."),
    "attendance_recorded": C_("Their attendance is recorded."),
    "registrant_removed": C_("The person is removed and told by email."),
    "seat_released": C_("The seat is free, and the person who held it is told by email why. Give it to someone "
                        "waiting who has come."),
    "registration_closed": C_("Registration is closed: nobody else can register. Those registered keep their "
                              "places; to open it again, move its deadline on (Edit)."),
    "granted": C_("The role is granted."),
    "revoked": C_("The role is revoked."),
    "chapter_saved": C_("The chapter is saved."),
    "program_saved": C_("The program is saved."),
    "settings_saved": C_("The program's settings are saved."),
    "settings_unchanged": C_("Nothing was changed."),
    "sent_again": C_("The email will go again within a minute. If it does not arrive this time either, it comes back "
                     "to this page."),
    "sent_again_all": C_("The emails will go again within a minute. Those that do not arrive this time either come "
                         "back to this page."),
}
