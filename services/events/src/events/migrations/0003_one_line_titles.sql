-- A title and a location are one line of text (issue 10). Rows from before that rule lose their line breaks and other
-- control characters, which broke the event's .ics file and the emails that name it.
UPDATE scheduled_events SET title = regexp_replace(title, '[[:cntrl:]]+', ' ', 'g') WHERE title ~ '[[:cntrl:]]';
UPDATE scheduled_events SET location = regexp_replace(location, '[[:cntrl:]]+', ' ', 'g') WHERE location ~ '[[:cntrl:]]';
