-- Who was erased (an id, nothing else): a person's enrollments travel on another topic than their erasure, and one
-- applied after it must not bring them back (an approved mentor, who may host office hours).
CREATE TABLE erased_people (person_id uuid PRIMARY KEY);
