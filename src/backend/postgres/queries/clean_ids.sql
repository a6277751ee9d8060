-- clean_ids: jobs of a state that finished (pending states: were created) before $3, oldest first, locked.
-- $1 queue, $2 state, $3 before, $4 limit.
SELECT id FROM {{schema}}.jobs WHERE queue = $1 AND state = $2
  AND (CASE WHEN state IN ('completed', 'failed', 'cancelled', 'expired') THEN finished_at ELSE created_at END) < $3
ORDER BY CASE WHEN state IN ('completed', 'failed', 'cancelled', 'expired') THEN finished_at ELSE created_at END, seq
LIMIT $4 FOR UPDATE SKIP LOCKED
