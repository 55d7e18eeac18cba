-- Where a chapter's people write to its coordinators (a shared mailbox, say): shown to them, never published.
ALTER TABLE chapters ADD COLUMN contact_email text;
