-- lock_jobs: full rows of jobs by id, locked for this transaction (finish, admin transitions).
-- $1 queue, $2 ids text[].
SELECT * FROM {{schema}}.jobs WHERE queue = $1 AND id = ANY($2) ORDER BY id FOR UPDATE
