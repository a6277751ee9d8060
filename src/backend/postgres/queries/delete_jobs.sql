-- delete_jobs: removes jobs and their logs.
-- $1 queue, $2 ids text[]. Returns id, name, state.
WITH gone_logs AS (DELETE FROM {{schema}}.logs WHERE queue = $1 AND id = ANY($2))
DELETE FROM {{schema}}.jobs WHERE queue = $1 AND id = ANY($2) RETURNING id, name, state
