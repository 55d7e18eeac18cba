-- Whether a coordinator approved the mentor enrollment (`profiles.mentor_approved`, sent only by a program that
-- reviews its mentors): high-school students, most of them minors, book only vetted hosts' office hours. Cleared
-- once the enrollment is not approved. Rows kept before it read false: nobody is vetted until profiles says so.
ALTER TABLE mentor_enrollments ADD COLUMN vetted boolean NOT NULL DEFAULT false;
