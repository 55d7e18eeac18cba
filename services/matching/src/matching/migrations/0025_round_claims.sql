-- A running round is held by one instance's claim, renewed as it reports progress: a round whose instance stopped
-- mid-round (a deploy, a scale-down, an OOM kill) is claimed again once the claim is older than the lease, rather than
-- left "running" for good; only the claim's holder writes its draft or its failure.
ALTER TABLE rounds ADD COLUMN claim uuid, ADD COLUMN heartbeat_at timestamptz;
CREATE INDEX rounds_running ON rounds (requested_at) WHERE status = 'running';
