-- When a program's staff were last reminded of mentors still waiting for their approval (`profiles.review_asked`,
-- `approval_awaited`, sent again while any waits three days after joining, once a week at most). A row per program
-- reminded; the upsert that marks it is what lets one instance alone remind them.
CREATE TABLE approval_reminders (
    program_id uuid PRIMARY KEY REFERENCES programs (id) ON DELETE CASCADE,
    reminded_at timestamptz NOT NULL
);
