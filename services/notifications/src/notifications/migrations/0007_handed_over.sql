-- A claim names its sender (claim_id, one per claim), and each message records the moment it was handed to the
-- SMTP server (handed_at: committed before DATA, only while the claim is still that sender's). When a claim's
-- lease runs out, a message handed over may have been taken, so it becomes unconfirmed and is never resent; one
-- never handed over was not, so it is due again for any instance. Every later change by the sender names its
-- claim, so a sender whose claim lapsed (a frozen process waking up) can neither hand over nor record anything.
-- status: pending -> sending -> sent | pending (retry at next_attempt_at) | failed;
--         sending whose lease ran out -> unconfirmed if handed over (never resent), else pending (sent again).
ALTER TABLE notifications ADD COLUMN claim_id uuid;
ALTER TABLE notifications ADD COLUMN handed_at timestamptz;
-- Claims made before this change recorded no hand-over: any of them may be in mid-conversation, so if their
-- sender dies they end as they would have (unconfirmed), never sent twice.
UPDATE notifications SET handed_at = coalesce(lease_until, now()) WHERE status = 'sending';
