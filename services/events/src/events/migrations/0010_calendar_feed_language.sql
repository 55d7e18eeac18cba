-- A calendar app fetches a feed with no reader's language: the feed keeps the one its owner made it in.
ALTER TABLE calendar_feeds ADD COLUMN language text NOT NULL DEFAULT 'en';
