-- Who was erased (an id, nothing else): a person's enrollment travels on another topic than their erasure, and one
-- applied after it must not bring them back.
CREATE TABLE erased_people (person_id uuid PRIMARY KEY);
