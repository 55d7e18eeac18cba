-- Whether an administrator suspended the account: a coordinator does not undo that. Who suspended those already
-- suspended was not recorded: they count as suspended by an administrator, who alone may reinstate them.
ALTER TABLE suspensions ADD COLUMN by_administrator boolean NOT NULL DEFAULT true;
ALTER TABLE suspensions ALTER COLUMN by_administrator DROP DEFAULT;
