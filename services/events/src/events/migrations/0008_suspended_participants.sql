-- Whether profiles has suspended the person's account (`profiles.person_suspended`, lifted by
-- `profiles.person_reinstated`): they host and book no office hours, are granted no join link and have no calendar
-- feed meanwhile. `suspension_as_of` is when the fact applied last happened (its `occurred_at`; a restatement's
-- `suspended` too): an older one, read late, changes nothing. Suspensions from before this column were not applied:
-- after deploying it, the operator runs `python -m profiles restate people` (README, Operating it), whose
-- restatements say who is suspended.
ALTER TABLE participants
    ADD COLUMN suspended        boolean NOT NULL DEFAULT false,
    ADD COLUMN suspension_as_of timestamptz;
