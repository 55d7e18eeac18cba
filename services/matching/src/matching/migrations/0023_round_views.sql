-- Reading a round is audited once per reader and state of the round (`PostgresRounds.viewed` asks whether it was):
-- without this the question would scan the whole trail on every look at a round.
CREATE INDEX audit_trail_round_views ON audit_trail (subject_id, actor) WHERE action = 'round.viewed';
