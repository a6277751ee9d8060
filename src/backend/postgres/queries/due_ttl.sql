-- due_ttl: waiting jobs whose ttl ran out, locked.
-- $1 queue, $2 now, $3 limit. Returns id.
SELECT id FROM {{schema}}.jobs WHERE queue = $1 AND state = 'waiting' AND ttl_at < $2
ORDER BY ttl_at LIMIT $3 FOR UPDATE SKIP LOCKED
