-- Whether a suspended mentor's enrollment had been approved (false: their offer to mentor was declined); NULL while
-- not suspended, or unknown. For those suspended already it is learnt from the audit trail, which has every vetting
-- since the console came: the entry of their suspension says it when recent enough, else an approval just before
-- it says true. Without either (or any entry), it may have declined an offer or suspended a mentor approved as they
-- enrolled: unknown.
ALTER TABLE enrollments ADD COLUMN was_approved boolean;

WITH vetting AS (
    SELECT subject_id, action, detail,
           lag(action) OVER (PARTITION BY subject_id ORDER BY id) AS action_before,
           row_number() OVER (PARTITION BY subject_id ORDER BY id DESC) AS from_latest
      FROM audit_trail
     WHERE subject_kind = 'enrollment' AND action IN ('mentor.approved', 'mentor.suspended'))
UPDATE enrollments e
   SET was_approved = coalesce((v.detail ->> 'was_approved')::boolean,
                               CASE WHEN v.action_before = 'mentor.approved' THEN true END)
  FROM vetting v
 WHERE e.approval = 'suspended' AND v.subject_id = e.id::text AND v.from_latest = 1
   AND v.action = 'mentor.suspended';
