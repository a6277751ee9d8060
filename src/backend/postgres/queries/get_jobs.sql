-- get_jobs: full rows of jobs by id in one queue.
-- $1 queue, $2 ids text[].
SELECT * FROM {{schema}}.jobs WHERE queue = $1 AND id = ANY($2)
