-- An online office hour's link to join, given by its host: shown to the host and whoever books the slot only.
ALTER TABLE office_hour_slots ADD COLUMN join_url text;
