-- to_delayed: jobs whose dependencies are met but whose own run time has not come wait for it.
-- $1 queue, $2 ids text[]. Returns id, name, run_at.
UPDATE {{schema}}.jobs SET state = 'delayed', lock_token = NULL, lock_expires_at = NULL
WHERE queue = $1 AND id = ANY($2)
RETURNING id, name, run_at
