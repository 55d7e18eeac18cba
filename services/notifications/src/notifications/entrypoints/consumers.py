"""Which events notifications applies: each with its service-layer handler, which bootstrap runs in a unit of work
joining the consumer's inbox transaction."""

from collections.abc import Awaitable, Callable
from typing import Any

from mentorship_contracts import IntegrationEvent, events, matching, profiles

from ..service_layer import handlers
from ..service_layer.ports import NotificationsUnitOfWorkPort

HANDLERS: dict[type[IntegrationEvent], Callable[[Any, NotificationsUnitOfWorkPort], Awaitable[None]]] = {
    profiles.ContactDetailsChanged: handlers.contact_details_changed,
    profiles.ContactDetailsRestated: handlers.contact_details_changed,
    profiles.PersonErased: handlers.person_erased,
    profiles.PersonSuspended: handlers.person_suspended,
    profiles.PersonReinstated: handlers.person_reinstated,
    profiles.PersonRestated: handlers.person_restated,
    profiles.EmailChangeRequested: handlers.email_change_requested,
    profiles.PersonRegistered: handlers.person_registered,
    profiles.PersonInvited: handlers.person_invited,
    profiles.ChapterDefined: handlers.chapter_defined,
    profiles.ProgramDefined: handlers.program_defined,
    profiles.ProgramDefinedV2: handlers.program_defined,
    profiles.MentorApproved: handlers.mentor_approved,
    profiles.MentorSuspended: handlers.mentor_suspended,
    profiles.StaffRolesChanged: handlers.staff_roles_changed,
    profiles.ReviewAsked: handlers.review_asked,
    profiles.EnrollmentChanged: handlers.enrollment_changed,  # each version, and the private twin (a subclass)
    matching.PairingProposed: handlers.pairing_proposed,
    matching.PairingProposedV2: handlers.pairing_proposed,
    matching.PairingConfirmed: handlers.pairing_confirmed,
    matching.PairingConfirmedV2: handlers.pairing_confirmed,
    matching.PairingDeclined: handlers.pairing_declined,
    matching.PairingEnded: handlers.pairing_ended,
    matching.PairingLapsed: handlers.pairing_lapsed,
    matching.PairingRenewed: handlers.pairing_renewed,
    matching.PairingCompleted: handlers.pairing_completed,
    matching.RenewalDue: handlers.renewal_due,
    matching.AnswerDue: handlers.answer_due,
    matching.StoppedAnswering: handlers.stopped_answering,
    matching.MeetingOverdue: handlers.meeting_overdue,
    matching.MenteeWaitlisted: handlers.mentee_waitlisted,
    matching.MenteeWaitlistedV2: handlers.mentee_waitlisted,
    events.EventPublished: handlers.event_published,
    events.EventUpdated: handlers.event_updated,
    events.EventCancelled: handlers.event_cancelled,
    events.EventRestated: handlers.event_restated,
    events.RegistrationConfirmed: handlers.registration_confirmed,
    events.RegistrationWaitlisted: handlers.registration_waitlisted,
    events.RegistrationPromoted: handlers.registration_promoted,
    events.RegistrationCancelled: handlers.registration_cancelled,
    events.RegistrantRemoved: handlers.registrant_removed,
    events.VirtualAccessGranted: handlers.virtual_access_granted,
    events.ReminderDue: handlers.reminder_due,
    events.WaitlistClosed: handlers.waitlist_closed,
    # The same, of an event whose attendees are kept from other teams (events.attendees, restricted).
    events.PrivateRegistrationConfirmed: handlers.registration_confirmed,
    events.PrivateRegistrationWaitlisted: handlers.registration_waitlisted,
    events.PrivateRegistrationPromoted: handlers.registration_promoted,
    events.PrivateRegistrationCancelled: handlers.registration_cancelled,
    events.PrivateWaitlistClosed: handlers.waitlist_closed,
    events.RegistrationRestated: handlers.registration_restated,  # its private twin too (a subclass)
    events.OfficeHoursBooked: handlers.office_hours_booked,
    events.OfficeHoursBookingCancelled: handlers.office_hours_booking_cancelled,
    events.OfficeHoursLinkGiven: handlers.office_hours_link_given,
    events.OfficeHoursBookingRestated: handlers.office_hours_booking_restated,
}
