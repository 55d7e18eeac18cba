"""The words for the services' codes (stages, specialties, reasons, errors), marked for translation (`N_`):
templates show `_(label)`, in the page's language."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - gettext's marker for strings translated later
    return message


STAGES = {
    "high_school": N_("High-school student"),
    "undergraduate": N_("Undergraduate (pre-med or pre-health)"),
    "post_baccalaureate": N_("Post-baccalaureate student"),
    "medical_student_1": N_("Medical student, year 1"),
    "medical_student_2": N_("Medical student, year 2"),
    "medical_student_3": N_("Medical student, year 3"),
    "medical_student_4": N_("Medical student, year 4"),
    "resident": N_("Resident"),
    "fellow": N_("Fellow"),
    "attending": N_("Attending physician"),
    "nursing_student": N_("Nursing student"),
    "nurse": N_("Nurse"),
    "pa_student": N_("Physician assistant student"),
    "physician_assistant": N_("Physician assistant"),
    "pharmacy_student": N_("Pharmacy student"),
    "pharmacist": N_("Pharmacist"),
    "dental_student": N_("Dental student"),
    "dentist": N_("Dentist"),
    "physical_therapy_student": N_("Physical therapy student"),
    "physical_therapist": N_("Physical therapist"),
    "public_health_student": N_("Public health student"),
    "public_health_professional": N_("Public health professional"),
}

SPECIALTIES = {
    "allergy_immunology": N_("Allergy and immunology"),
    "anesthesiology": N_("Anesthesiology"),
    "cardiology": N_("Cardiology"),
    "dermatology": N_("Dermatology"),
    "emergency_medicine": N_("Emergency medicine"),
    "endocrinology": N_("Endocrinology"),
    "family_medicine": N_("Family medicine"),
    "gastroenterology": N_("Gastroenterology"),
    "general_surgery": N_("General surgery"),
    "geriatrics": N_("Geriatrics"),
    "hematology_oncology": N_("Hematology and oncology"),
    "infectious_disease": N_("Infectious disease"),
    "internal_medicine": N_("Internal medicine"),
    "nephrology": N_("Nephrology"),
    "neurology": N_("Neurology"),
    "neurosurgery": N_("Neurosurgery"),
    "obstetrics_gynecology": N_("Obstetrics and gynecology"),
    "ophthalmology": N_("Ophthalmology"),
    "orthopaedic_surgery": N_("Orthopaedic surgery"),
    "otolaryngology": N_("Otolaryngology (ENT)"),
    "pathology": N_("Pathology"),
    "pediatrics": N_("Pediatrics"),
    "physical_medicine_rehabilitation": N_("Physical medicine and rehabilitation"),
    "plastic_surgery": N_("Plastic surgery"),
    "psychiatry": N_("Psychiatry"),
    "pulmonology_critical_care": N_("Pulmonology and critical care"),
    "radiation_oncology": N_("Radiation oncology"),
    "radiology": N_("Radiology"),
    "urology": N_("Urology"),
    "vascular_surgery": N_("Vascular surgery"),
    "public_health": N_("Public health"),
    "nursing": N_("Nursing"),
    "physician_assistant": N_("Physician assistant"),
    "pharmacy": N_("Pharmacy"),
    "dentistry": N_("Dentistry"),
    "physical_therapy": N_("Physical therapy"),
    "undecided": N_("Not decided yet"),
}

SUPPORT = {
    "academic_guidance": N_("Academic guidance"),
    "clinical_skills": N_("Clinical skills"),
    "career_planning": N_("Career planning and choosing a specialty"),
    "professional_development": N_("Professional development"),
    "emotional_support": N_("Emotional support and well-being"),
    "networking": N_("Networking"),
    "research": N_("Research"),
    "applications_and_interviews": N_("Applications and interviews"),
}

MODALITIES = {"virtual": N_("Online (video or phone)"), "in_person": N_("In person")}

LANGUAGES = {"en": N_("English"), "es": N_("Spanish")}

# Who, besides the person, sees their pronouns (profiles' `pronouns_visibility`; each includes those before).
# Coordinators see a person through the programs they run, national ones too (a person may have no chapter).
PRONOUN_VISIBILITIES = {"only_me": N_("Only me"), "coordinators": N_("The coordinators of my chapter and programs"),
                        "partners": N_("Those coordinators, and my mentor or mentees")}

# The identity attributes profiles knows, with the words a person reads.
IDENTITY = {
    "first_generation": N_("First in my family to go to college"),
    "race_ethnicity": N_("Race or ethnicity"),
    "gender_identity": N_("Gender identity"),
    "sexual_orientation": N_("Sexual orientation"),
    "disability": N_("Disability"),
    "religion": N_("Religion"),
    "veteran": N_("Veteran"),
    "immigration_background": N_("Immigration background"),
    "socioeconomic_background": N_("Socioeconomic background"),
}

# Common answers offered for each identity attribute (a <datalist>: suggestions only, any words may be typed).
# Matching compares the words, capitals, accents, spaces and punctuation aside: the same answer helps two people match.
# It knows these in Spanish too (a suggestion chosen in Spanish is the English one): change both together.
IDENTITY_SUGGESTIONS = {
    "first_generation": (N_("Yes"),),
    "race_ethnicity": (N_("Black or African American"), N_("Hispanic or Latino"), N_("Latina"), N_("Latino"),
                       N_("Latinx"), N_("American Indian or Alaska Native"), N_("Asian"),
                       N_("Native Hawaiian or Pacific Islander"), N_("Middle Eastern or North African"),
                       N_("Multiracial"), N_("White")),
    "gender_identity": (N_("Woman"), N_("Man"), N_("Non-binary"), N_("Transgender woman"), N_("Transgender man"),
                        N_("Genderqueer"), N_("Two-Spirit")),
    "sexual_orientation": (N_("Gay"), N_("Lesbian"), N_("Bisexual"), N_("Queer"), N_("Pansexual"), N_("Asexual"),
                           N_("Straight")),
    "disability": (N_("Yes"), N_("Deaf or hard of hearing"), N_("Blind or low vision"), N_("Chronic illness"),
                   N_("Neurodivergent"), N_("Mobility disability"), N_("Mental health condition")),
    "religion": (N_("Christian"), N_("Catholic"), N_("Muslim"), N_("Jewish"), N_("Hindu"), N_("Buddhist"),
                 N_("Sikh"), N_("Not religious")),
    "veteran": (N_("Yes"),),
    "immigration_background": (N_("Immigrant"), N_("Child of immigrants"), N_("Refugee"), N_("DACA recipient"),
                               N_("International student")),
    "socioeconomic_background": (N_("Low-income background"), N_("Working-class background"),
                                 N_("Grew up in a rural area")),
}

# Why matching paired two people (its reason codes), in words.
REASONS = {
    "specialty_overlap": N_("you share an interest in the same specialty"),
    "support_offered": N_("your mentor offers the kind of support you asked for"),
    "near_peer": N_("your mentor is a step or two ahead of you on the path"),
    "further_along": N_("your mentor is further along the path"),
    "shared_language": N_("you speak a language in common"),
    "format_compatible": N_("you both can meet the same way (online or in person)"),
    "same_region": N_("you live in the same region"),
    "same_time_zone": N_("you are in the same time zone"),
    "requested": N_("you asked for this mentor"),
}
# The same reasons said of a mentor suggested to a mentee choosing (not her mentor yet).
SUGGESTION_REASONS = {
    **REASONS,
    "support_offered": N_("this mentor offers the kind of support you asked for"),
    "near_peer": N_("this mentor is a step or two ahead of you on the path"),
    "further_along": N_("this mentor is further along the path"),
}
# The same reasons as the mentor reads them, where the words differ by side.
MENTOR_REASONS = {
    **REASONS,
    "support_offered": N_("you offer the kind of support your mentee asked for"),
    "near_peer": N_("you are a step or two ahead of your mentee on the path"),
    "further_along": N_("you are further along the path"),
    "requested": N_("your mentee asked for you"),
}

PAIRING_STATUS = {
    "proposed": N_("Proposed: waiting for answers"),
    "requested": N_("Requested: waiting for the mentor"),
    "active": N_("Active"),
    "declined": N_("Declined"),
    "ended": N_("Ended"),
    "completed": N_("Completed"),
    "lapsed": N_("Lapsed"),
}

# Why a side declines a proposal (matching's ReasonIn, a mentee's withdrawn request aside): any of these it takes from
# either side; each side is offered its own.
DECLINE_REASONS = {
    "not_a_good_fit": N_("Not a good fit"),
    "schedule_conflict": N_("My schedule does not allow it"),
    "no_longer_available": N_("I am no longer available"),
    "prefer_another_mentor": N_("I would prefer another mentor"),
    "other": N_("Another reason"),
}
MENTEE_DECLINE_REASONS = DECLINE_REASONS
MENTOR_DECLINE_REASONS = {code: words for code, words in DECLINE_REASONS.items() if code != "prefer_another_mentor"}

END_REASONS = {
    "goals_met": N_("We met our goals"),
    "not_a_good_fit": N_("Not a good fit"),
    "schedule_conflict": N_("My schedule does not allow it"),
    "no_longer_available": N_("I am no longer available"),
    "relocated": N_("I moved"),
    "conduct": N_("A problem of conduct"),
    "not_responding": N_("They stopped answering me"),
    "other": N_("Another reason"),
}

# A program's role, as the data page says one joined it.
ENROLLED_AS = {"mentor": N_("A mentor"), "mentee": N_("A mentee")}

REGISTRATION_STATUS = {
    "confirmed": N_("You have a seat"),
    "waitlisted": N_("You are on the waitlist"),
    "cancelled": N_("Cancelled"),
}

EVENT_KINDS = {
    "career_fair": N_("Career fair"),
    "virtual_session": N_("Online session"),
    "speaker_event": N_("Speaker event"),
    "workshop": N_("Workshop"),
    "chapter_session": N_("Chapter session"),
    "office_hours": N_("Office hours"),
    "conference": N_("Conference"),
    "conference_session": N_("Conference session"),
}

# Requests a mentee may have waiting for an answer at once, in a program where mentees choose (matching's
# choice.REQUEST_LIMIT; ERRORS["request_limit_reached"] says it too).
REQUEST_LIMIT = 3

# What a person can meet, by the services' error codes; anything else reads as GENERIC_ERROR.
ERRORS = {
    "slot_too_far_ahead": N_("Choose a day within the next year."),
    "slot_overlaps": N_("You offer office hours at that time already: choose another time."),
    # An invitation's link lasts a week, a sign-in link 15 minutes: said of either.
    "sign_in_link_not_usable": N_("This link cannot be used any more: it was used already, or it has expired (a "
                                  "sign-in link lasts 15 minutes, an invitation's a week). Ask for a new one below: "
                                  "it signs you in just the same."),
    "sign_in_code_used_up": N_("Too many wrong codes: this code no longer works. Follow the link in the email, or ask "
                               "for a new one below."),
    "sign_in_code_not_usable": N_("No sign-in code can be used in this browser now: it was used already, it is older "
                                  "than 15 minutes, or it was asked for in another browser. Ask for a new one below."),
    "sign_in_email_not_sent": N_("We could not send the email just now. Please try again in a few minutes."),
    "too_many_sign_in_links": N_("Too many sign-in links were asked for. Please wait a quarter of an hour and try "
                                 "again."),
    "provider_sign_in_failed": N_("Signing in with your organization did not work. Please try again, or ask for a "
                                  "sign-in link by email below."),
    "email_not_verified": N_("Your organization does not confirm that your email address is verified, so we cannot "
                             "sign you in with it. Ask for a sign-in link by email below."),
    "account_suspended": N_("Your account is suspended, so you cannot sign in. If you think this is a mistake, "
                            "write to the coordinator of your chapter."),
    "already_registered": N_("Someone is already registered with this email address."),
    "stage_not_eligible": N_("This program is not open to people at your stage of training."),
    "program_unsafe_for_minors": N_("A program you are in, or joining, as a mentee does not yet review its mentors "
                                    "and ask both sides to accept a pairing, as a program with high-school students "
                                    "must. Ask your chapter's coordinator to change that first."),
    "already_enrolled": N_("You are already enrolled in this program."),
    "registration_closed": N_("Registration for this event has closed."),
    # A session whose conference is not published (a draft still, or called off): events takes no registration.
    "conference_not_published": N_("This session's conference is not open yet."),
    "already_checked_in": N_("You are checked in: your seat is kept, and it cannot be cancelled now."),
    "not_in_audience": N_("This event is not open to people at your stage of training."),
    "stage_not_yet_known": N_("Your profile is still on its way to this part of the platform. Try again in a "
                              "minute."),
    "meeting_in_the_future": N_("A meeting is logged once it has happened: choose today or an earlier day."),
    "transition_not_allowed": N_("This mentorship changed meanwhile (answered, ended or withdrawn, maybe by your "
                                 "partner or by you in another tab): where it stands now is shown here."),
    "wrong_state": N_("This cannot be done any more: things have moved on. Reload the page to see where they "
                      "stand."),
    "mentor_full": N_("This mentor has no room for another mentee right now."),
    # A mentee's ask of a mentor refused (programs where mentees choose; matching's REQUEST_LIMIT is 3).
    "already_paired": N_("You already have a mentor in this program."),
    "already_requested": N_("You have already asked this mentor: they will answer you."),
    "request_limit_reached": N_("You have asked 3 mentors already, the most at once. Wait for their answers, or take "
                                "one of your requests back (from your home page) to ask another mentor."),
    "mentor_ruled_out": N_("You cannot ask this mentor now: they cannot take your request. Choose another mentor."),
    "mentees_do_not_choose": N_("In this program, mentees do not choose their mentor: we propose one to you."),
    "matching_profile_missing": N_("Your profile has not reached this part of the platform yet. Come back in a "
                                   "minute to ask a mentor."),
    "program_cap_reached": N_("This program is full."),
    "not_confirmed": N_("The link is shown once your seat is confirmed."),
    "renewal_not_due": N_("A mentorship is renewed in the last weeks of its term. Come back then: we will remind "
                          "you both."),
    "completion_not_due": N_("A mentorship is completed in the last weeks of its term. To stop before then, end it "
                             "early below, giving a reason."),
    "meeting_before_pairing": N_("A meeting is logged from the day you were paired on."),
    "already_booked": N_("Someone booked this slot just before you. Choose another one."),
    # Events lists them no such slot; one booked from a page shown before, or a link, is refused so.
    "host_not_vetted_for_minors": N_("For your safety, high-school students book office hours only with mentors a "
                                     "program's coordinators have approved. Choose another office hour."),
    "not_in_chapter": N_("This office hour is for another chapter's members. Choose one offered in your chapter."),
    "chapter_not_yet_known": N_("We do not know your chapter yet: your profile is still on its way to this part of "
                                "the platform. Try again in a minute."),
    "invalid_request": N_("Something in the form is not right; please check it."),
    "service_unavailable": N_("Part of the platform is not answering right now. Please try again in a minute."),
    "csrf": N_("This form has expired. Please reload the page and try again."),
    "sent_from_elsewhere": N_("This form was sent from another website, so nothing was done. If you meant it, open "
                              "this site and do it there."),
}
# What an event's page says of some refusals, which ERRORS say of an office hour.
EVENT_ERRORS = {
    "not_in_chapter": N_("This event is for the members of its chapter only."),
}
# What a person is told once an action has worked.
# What was done in one program, said naming it (the home page lists several): the key of DONE it stands for.
DONE_IN = {
    "paused": N_("You are paused in %(program)s: nobody new will be proposed to you there. Your mentorships go on."),
    "mentee_paused": N_("You are paused in %(program)s: no mentor will be proposed to you there for now. You keep your "
                        "place."),
    "resumed": N_("You are taking new mentees in %(program)s again."),
    "ready_for_a_mentor": N_("We will propose a mentor to you in %(program)s again."),
    "ready_to_choose": N_("You can choose a mentor in %(program)s again."),
}

# How long one's own pause lasts, as offered with the pause button: profiles resumes it at the start of the day it ends.
PAUSE_LENGTHS = {"": N_("Until I resume it"), "2w": N_("For 2 weeks"), "1m": N_("For a month"),
                 "3m": N_("For 3 months")}

DONE = {
    "accepted": N_("You accepted this mentorship."),
    "declined": N_("You declined this mentorship."),
    "declined_paused": N_("You declined this mentorship, and you are paused: nobody new will be proposed to you in "
                          "this program until you resume from your home page."),
    "declined_not_paused": N_("You declined this mentorship, but pausing did not work. You can pause from your home "
                              "page."),
    "meeting_logged": N_("Your meeting is logged."),
    "meeting_corrected": N_("Your meeting is changed."),
    "meeting_deleted": N_("Your meeting is deleted."),
    "ended": N_("This mentorship has ended."),
    "ended_paused": N_("This mentorship has ended, and you are paused: nobody new will be proposed to you in this "
                       "program until you resume from your home page."),
    "ended_not_paused": N_("This mentorship has ended, but pausing did not work. You can pause from your home page."),
    "ended_resting": N_("This mentorship has ended."),  # the page then says that the mentee rests
    # A mentee who ended it for any other reason: back on the waitlist (the page links to it), or paused.
    "ended_waiting": N_("This mentorship has ended. You are back on the waitlist for a new mentor in this program."),
    "ended_choosing": N_("This mentorship has ended. You can choose another mentor in this program."),
    "ended_mentee_paused": N_("This mentorship has ended, and you are paused: no mentor will be proposed to you in "
                              "this program until you say you are ready again on your home page."),
    "ended_mentee_not_paused": N_("This mentorship has ended, but pausing did not work: you are back on the waitlist. "
                                  "You can pause from your home page."),
    # Ended for conduct (matching tells the page why only to staff): said to the side who ended it, of the other.
    "ended_for_conduct_by_mentee": N_("This mentorship has ended. Thank you for telling us. A coordinator of the "
                                      "program will look into what happened, and your former mentor will not be "
                                      "paired with anyone new meanwhile."),
    "ended_for_conduct_by_mentor": N_("This mentorship has ended. Thank you for telling us. A coordinator of the "
                                      "program will look into what happened, and your former mentee will not be "
                                      "paired with anyone new meanwhile."),
    "registered": N_("You are registered."),
    "cancelled": N_("Your registration is cancelled."),
    "renewed": N_("Your mentorship is renewed for another term."),
    "renewal_asked": N_("You asked to renew. It is renewed once your partner asks too."),
    "feedback": N_("Thank you for telling us how it went."),
    "capacity": N_("Your number of mentees is saved."),
    "failed": N_("That did not work. Please try again, or ask your chapter coordinator for help."),
    "booked": N_("Your office hour is booked."),
    "booking_cancelled": N_("Your booking is cancelled."),
    "preferences": N_("Your email choices are saved."),
    "paused": N_("You are paused in that program: nobody new will be proposed to you there. Your mentorships go on."),
    "resumed": N_("You are taking new mentees again."),
    "paused_everywhere": N_("You are paused in every program you mentor in: nobody new will be proposed to you. Your "
                            "mentorships go on."),
    "resumed_everywhere": N_("You are taking new mentees again in every program you mentor in."),
    "ready_for_a_mentor": N_("We will propose a mentor to you again."),
    "ready_to_choose": N_("You can choose a mentor again."),
    "mentee_paused": N_("You are paused in that program: no mentor will be proposed to you there for now. You keep your place."),
    "slot_offered": N_("Your office hour is offered."),
    "slot_link_given": N_("The link to join is saved: whoever books this office hour sees it."),
    "slot_withdrawn": N_("Your office hour is withdrawn."),
    "requested": N_("Your request is sent. The mentor will answer it."),
    "request_withdrawn": N_("Your request is withdrawn."),
    "profile_saved": N_("Your details are saved."),
    "left_program": N_("You have left the program."),
    "interests_saved": N_("Your interests are saved."),
    "identity_saved": N_("What you share about who you are is saved."),
    "identity_now_shown": N_("Saved. Your mentor or mentees can now read what you chose to show them, on their pages "
                             "(nobody is emailed about it)."),
    "identity_now_hidden": N_("Saved. Your mentor or mentees no longer see what you stopped showing them, though what "
                              "they read before cannot be taken back."),
    "marked_read": N_("Marked as read."),
    "identity_wish_dropped": N_("Saved. Matching no longer uses what you took back, so your wish for a mentor who "
                                "shares it is gone too. The answer itself is kept: to delete it, clear its words in "
                                "\u201cIn your own words\u201d."),
    "identity_answer_deleted": N_("Saved. Your answer is deleted, and with it your wish for a mentor who shares it."),
}
GENERIC_ERROR = N_("That did not work. Please try again, or ask your chapter coordinator for help.")

# Why a mentee rests after a mentorship that ran its course (profiles' paused_because): proposed nobody until they ask.
RESTING = ("goals_met", "term_completed")

# A mentor's number of mentees refused (profiles' bound is MOST_MENTEES_AT_ONCE): said where they join and at home.
CAPACITY_ASKED = N_("Give how many mentees you can take at once: a whole number from 1 to %(most)s.")
# On the home page, beside the pause: a mentor who types 0 wants a rest, which the pause gives.
CAPACITY_HINT = N_("To take nobody new for a while, pause instead (above).")
# A meeting refused as dated before the mentorship began, naming that day (the page knows it).
MEETING_BEFORE_PAIRING_ON = N_("A meeting is logged from the day you were paired on: %(day)s.")
