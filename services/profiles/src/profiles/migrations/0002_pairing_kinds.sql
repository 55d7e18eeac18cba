-- A program may offer several kinds of pairing (a clinical and a research mentor): a person holds one active
-- enrollment per program, role and kind, where before it was one per program and role.
ALTER TABLE programs ADD COLUMN pairing_kinds text[] NOT NULL DEFAULT '{general}';
ALTER TABLE enrollments ADD COLUMN pairing_kind text NOT NULL DEFAULT 'general';
DROP INDEX enrollments_one_active_per_role;
CREATE UNIQUE INDEX enrollments_one_active_per_role_and_kind ON enrollments (person_id, program_id, role, pairing_kind)
    WHERE active;
