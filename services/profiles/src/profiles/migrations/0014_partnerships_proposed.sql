-- A pairing waiting for answers is recorded too (`proposed`), with its program: its mentor reads what the mentee
-- hopes for (their enrollment's goals in that program) from the proposal on. Pairings recorded before this column
-- have no program until a sign that they are still on (a renewal, a reminder) gives it.
ALTER TABLE partnerships ADD COLUMN proposed boolean NOT NULL DEFAULT false;
ALTER TABLE partnerships ADD COLUMN program_id uuid;
