-- Mentors approved in a program offer office hours, near-peer students among them (an MS3 who mentors pre-meds),
-- not only clinicians and alumni: each of a person's enrollments as a mentor, and whether it is approved now, from
-- profiles' enrollments topic. Withdrawn ones, and those that became a mentee's, are deleted. A deployment that
-- adds this reads the enrollments the topic still keeps (30 days); for those enrolled before, the operator runs
-- `python -m profiles restate enrollments` (README, Operating it).
CREATE TABLE mentor_enrollments (
    enrollment_id uuid PRIMARY KEY,
    person_id uuid NOT NULL,
    approved boolean NOT NULL
);
CREATE INDEX mentor_enrollments_approved ON mentor_enrollments (person_id) WHERE approved;
