-- list_jobs_desc: jobs in states, newest first.
-- $1 queue, $2 states text[], $3 offset, $4 limit.
SELECT * FROM {{schema}}.jobs WHERE queue = $1 AND state = ANY($2)
ORDER BY CASE WHEN state IN ('completed', 'failed', 'cancelled', 'expired') THEN finished_at ELSE created_at END DESC,
  seq DESC
OFFSET $3 LIMIT $4
