-- When each enrollment was made, for its restatement (profiles.enrollment_restated v2): a read model rebuilt from one
-- places the person by it. Those made before this migration say when it ran: nothing earlier was kept.
ALTER TABLE enrollments ADD COLUMN enrolled_at timestamptz NOT NULL DEFAULT now();
