-- find_existing: jobs that an enqueue must return instead of adding (same id, or holding a dedupe key).
-- $1 queue, $2 ids text[], $3 dedupe keys text[]. Returns id, state, created_at, dedupe_key.
SELECT id, state, created_at, dedupe_key FROM {{schema}}.jobs
WHERE queue = $1 AND (id = ANY($2) OR dedupe_key = ANY($3))
