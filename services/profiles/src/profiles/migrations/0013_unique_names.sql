-- Chapters are told apart by name nationally, and programs among those of their chapter (national programs among
-- themselves): staff pick them from lists of names alone. Names compare whatever their case and spacing; the
-- service asks with `name_key` too, and these indexes hold whatever races its question. Spaces are those `\s` knows
-- and the Unicode ones a pasted name brings (no-break, em...), made one space before trimming, so that they trim too.
CREATE FUNCTION name_key(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT lower(btrim(regexp_replace(name, '[\s\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+',
                                            ' ', 'g'))) $$;

-- Names given twice before this rule: the oldest of each set keeps its name, each other gets " (2)", " (3)"... (or
-- the next number no other holds), in age. Age is the order of their definitions on the audit trail; one defined
-- before definitions were audited counts as older, and those are ordered by id. Each renaming is on the trail, as
-- one through the API would be.
--
-- Notifications names chapters and programs in its emails and learns a name only from profiles.chapter_defined and
-- profiles.program_defined: it keeps the old name of one renamed here until it is next changed through the API
-- (staff giving it a telling name in the console, say), which publishes it.
DO $$
DECLARE
    duplicate record;
    number int;
    renamed text;
BEGIN
    FOR duplicate IN
        SELECT * FROM (
            SELECT c.id, c.name, row_number() OVER (
                       PARTITION BY name_key(c.name) ORDER BY d.defined NULLS FIRST, c.id) AS place
              FROM chapters c
              LEFT JOIN (SELECT subject_id, min(id) AS defined FROM audit_trail WHERE action = 'chapter.defined'
                          GROUP BY subject_id) d ON d.subject_id = c.id::text) ranked
         WHERE place > 1 ORDER BY name_key(name), place
    LOOP
        number := duplicate.place;
        LOOP
            renamed := format('%s (%s)', btrim(duplicate.name), number);
            EXIT WHEN NOT EXISTS (SELECT FROM chapters WHERE name_key(name) = name_key(renamed));
            number := number + 1;
        END LOOP;
        UPDATE chapters SET name = renamed WHERE id = duplicate.id;
        INSERT INTO audit_trail (actor, actor_role, action, subject_kind, subject_id, chapter_id, detail)
        VALUES ('migration 0013_unique_names', 'service', 'chapter.changed', 'chapter', duplicate.id::text,
                duplicate.id, jsonb_build_object('changed', jsonb_build_object('name', renamed)));
    END LOOP;

    FOR duplicate IN
        SELECT * FROM (
            SELECT p.id, p.name, p.chapter_id, row_number() OVER (
                       PARTITION BY p.chapter_id, name_key(p.name) ORDER BY d.defined NULLS FIRST, p.id) AS place
              FROM programs p
              LEFT JOIN (SELECT subject_id, min(id) AS defined FROM audit_trail WHERE action = 'program.defined'
                          GROUP BY subject_id) d ON d.subject_id = p.id::text) ranked
         WHERE place > 1 ORDER BY chapter_id, name_key(name), place
    LOOP
        number := duplicate.place;
        LOOP
            renamed := format('%s (%s)', btrim(duplicate.name), number);
            EXIT WHEN NOT EXISTS (SELECT FROM programs WHERE chapter_id IS NOT DISTINCT FROM duplicate.chapter_id
                                                         AND name_key(name) = name_key(renamed));
            number := number + 1;
        END LOOP;
        UPDATE programs SET name = renamed WHERE id = duplicate.id;
        INSERT INTO audit_trail (actor, actor_role, action, subject_kind, subject_id, chapter_id, detail)
        VALUES ('migration 0013_unique_names', 'service', 'program.changed', 'program', duplicate.id::text,
                duplicate.chapter_id, jsonb_build_object('changed', jsonb_build_object('name', renamed)));
    END LOOP;
END $$;

CREATE UNIQUE INDEX chapters_name ON chapters (name_key(name));
-- National programs (no chapter) as one more chapter's: a unique index tells NULLs apart.
CREATE UNIQUE INDEX programs_name
    ON programs (coalesce(chapter_id, '00000000-0000-0000-0000-000000000000'::uuid), name_key(name));
