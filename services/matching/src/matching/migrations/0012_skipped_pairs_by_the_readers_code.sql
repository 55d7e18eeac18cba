-- Publishing now records why a drafted pair was skipped by the code a refusal is given anywhere (`refusal_code`):
-- the rule's own reason told the coordinator that a mentee required a shared identity. Rounds published before
-- are rewritten the same way.
WITH codes (reason, code) AS (VALUES
    ('mentor_at_capacity', 'mentor_full'), ('program_cap_reached', 'program_cap_reached'),
    ('mentor_not_eligible', 'stage_not_eligible'), ('mentor_not_ahead', 'stage_not_eligible'),
    ('stage_not_welcome', 'stage_not_eligible'), ('mentee_not_eligible', 'stage_not_eligible'),
    ('identity_requirement_unmet', 'not_suitable'), ('below_minimum_score', 'not_suitable'),
    ('mentor_not_approved', 'mentor_not_approved'), ('different_kind', 'different_kind'),
    ('same_person', 'same_person'), ('declined_or_ended_before', 'declined_or_ended_before'))
UPDATE rounds r
   SET skipped = (SELECT jsonb_agg(CASE WHEN c.code IS NULL THEN s.pair
                                        ELSE jsonb_set(s.pair, '{reason_code}', to_jsonb(c.code)) END
                                   ORDER BY s.n)
                    FROM jsonb_array_elements(r.skipped) WITH ORDINALITY AS s (pair, n)
                    LEFT JOIN codes c ON c.reason = s.pair ->> 'reason_code')
 WHERE jsonb_typeof(r.skipped) = 'array' AND jsonb_array_length(r.skipped) > 0;
