-- Who suspended an account and why, for the console's page of the person: staff read since when and by whom,
-- national administrators the note too. The note stays in the audit trail as well, which never forgets it; here it
-- goes with the suspension (reinstated or erased). For accounts suspended before, both are learnt from their latest
-- suspension in the audit trail.
ALTER TABLE suspensions
    ADD COLUMN suspended_by uuid REFERENCES people (id) ON DELETE SET NULL,
    ADD COLUMN note text;

UPDATE suspensions s
   SET suspended_by = CASE WHEN latest.actor ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                AND EXISTS (SELECT 1 FROM people p WHERE p.id::text = latest.actor)
                           THEN latest.actor::uuid END,
       note = latest.detail ->> 'note'
  FROM (SELECT DISTINCT ON (subject_id) subject_id, actor, detail
          FROM audit_trail
         WHERE subject_kind = 'person' AND action = 'person.suspended'
         ORDER BY subject_id, id DESC) latest
 WHERE latest.subject_id = s.person_id::text;
