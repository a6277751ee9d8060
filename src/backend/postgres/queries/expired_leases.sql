-- expired_leases: active jobs whose lease ran out (their worker died), locked.
-- $1 queue, $2 now, $3 limit.
SELECT * FROM {{schema}}.jobs WHERE queue = $1 AND state = 'active' AND lock_expires_at < $2
ORDER BY lock_expires_at LIMIT $3 FOR UPDATE SKIP LOCKED
