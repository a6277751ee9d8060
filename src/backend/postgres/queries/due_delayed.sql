-- due_delayed: delayed jobs whose time has come, oldest first, locked (skipping ones another promoter holds).
-- $1 queue, $2 now, $3 limit. Returns id.
SELECT id FROM {{schema}}.jobs WHERE queue = $1 AND state = 'delayed' AND run_at <= $2
ORDER BY run_at LIMIT $3 FOR UPDATE SKIP LOCKED
