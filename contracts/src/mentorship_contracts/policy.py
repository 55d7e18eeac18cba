"""What may travel on a public topic.

An allow-list, not a deny-list: a new field on a public event must be named here on purpose,
after asking whether another team may see it. Contact data and identity attributes never may.
"""

from .envelope import IntegrationEvent

ENVELOPE_FIELDS = frozenset(IntegrationEvent.model_fields)

# Non-id fields a public event may carry: program rules, training stage, event logistics, scores.
PUBLIC_FIELDS = frozenset(
    {
        "name",  # of a program, never of a person
        "title",  # of an event
        "stage", "mentee_stages", "mentor_stages", "mentee_stages_welcome", "audience_stages",
        "is_alumni", "role", "capacity", "approval", "changed_fields",
        "term_months", "cadence_min_days", "cadence_max_days", "format", "group_size", "pairing_mode",
        "both_must_accept", "pair_cap", "mentor_approval_required", "minimum_score",
        "score", "reason_codes", "position", "reason_code", "kind", "declined_by", "ended_by",
        "term_ends_at", "last_met_at", "days_overdue", "paired", "unpaired", "total_score",
        "starts_at", "ends_at", "timezone", "is_virtual", "location", "registration_deadline",
        "cancelled_by", "attended", "pairing_kinds", "pairing_kind", "revision",
        "members_public",  # whether a program's taking part is seen by other teams (profiles.program_defined v5)
        "attendees_public",  # whether an event's registrations are (events.event_published v3, event_updated v4)
        "paused",  # a mentor taking no new mentee for now (profiles.enrollment_changed v4)
        "removed_by_organiser",  # an organiser took the registrant off the roster (events.registration_cancelled v3)
        "ended_by_program",  # a pairing ended by the program: a coordinator stepping in (matching.pairing_ended v3)
        "declined_by_program",  # a proposal withdrawn by the program: a coordinator (matching.pairing_declined v3)
        "lapsed_by",  # the side whose leaving lapsed a request, as declined_by says of a decline (matching.pairing_lapsed v4)
        "granted",  # a staff role given, not taken away: which, as `role` says (profiles.staff_roles_changed v2)
        "was_approved",  # a mentor suspended had been approved before, as mentor_approved said (profiles.mentor_suspended v3)
        "requested_by_mentee",  # the mentee chose this mentor (matching.pairing_proposed v5)
        "replaces_earlier",  # a booked office hour's link to join changed, the link itself untold (office_hours_link_given)
        # Until when a proposal or a request may be answered, and which side has not yet (matching.answer_due), as
        # `declined_by` says which side declined.
        "answer_by", "awaiting",
        "answer_within_days",  # a program's time to answer (profiles.program_defined v4)
        # How many proposals lapsed unanswered in a row, which `awaiting` says of each already
        # (matching.stopped_answering).
        "unanswered_in_a_row",
        # Whom a lapse would pause, as stopped_answering would say once it did (matching.answer_due v2).
        "paused_if_it_lapses",
        # What profiles.person_suspended and profiles.enrollment_withdrawn say already, restated (profiles.*_restated).
        "suspended", "active",
        # What an event's organisers said to everyone registered when they cancelled it (events.event_cancelled v4): a
        # statement about the event, public as its title is, unlike a reason for removing one registrant (which goes
        # sealed to them alone on events.access). The console asks them to name nobody and to put no link to join in it.
        "note",
        "state",  # an event's, restated: what its published, cancelled and completed said (events.event_restated)
        # A registration's, restated: what its confirmed, waitlisted and cancelled said, and when it was made
        # (events.registration_restated).
        "status", "registered_at",
        "enrolled_at",  # when an enrollment was made, as its `enrollment_created` said (profiles.enrollment_restated v2)
    }
)

# Names that must never appear on a public topic, whatever the allow-list says.
FORBIDDEN_FRAGMENTS = (
    "email", "phone", "address", "display_name", "first_name", "last_name", "full_name", "pronoun", "bio",
    "identity", "orientation", "gender", "race", "ethnic", "disabilit", "first_generation", "religion",
    "join_url", "link", "birth",
)


def public_field_violations(model: type[IntegrationEvent]) -> list[str]:
    """Names of the model's fields that may not appear on a public topic."""
    violations = []
    for name in model.model_fields:
        if name in ENVELOPE_FIELDS:
            continue
        forbidden = any(fragment in name.lower() for fragment in FORBIDDEN_FRAGMENTS)
        allowed = name.endswith("_id") or name in PUBLIC_FIELDS
        if forbidden or not allowed:
            violations.append(name)
    return violations
