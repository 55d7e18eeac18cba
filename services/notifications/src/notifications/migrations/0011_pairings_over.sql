-- Pairings that have ended, completed, or were declined or lapsed: a message about one, composed after (an inbox
-- item opened again, an email held back), names the other as a former partner only, nothing they show partners now.
CREATE TABLE pairings_over (
    pairing_id uuid PRIMARY KEY,
    over_at    timestamptz NOT NULL DEFAULT now()
);
