-- to_waiting: makes jobs ready: waiting, ready now, ttl clock started, outbox entry in transport mode.
-- $1 queue, $2 ids text[], $3 now, $4 outbox boolean. Returns id, name, state before (prev) is not kept: the
-- caller knows it.
UPDATE {{schema}}.jobs SET state = 'waiting', ready_at = $3, lock_token = NULL, lock_expires_at = NULL,
  ttl_at = CASE WHEN opts ? 'ttl' THEN $3 + (opts ->> 'ttl')::bigint END,
  outbox_at = CASE WHEN $4 THEN 0 END
WHERE queue = $1 AND id = ANY($2)
RETURNING id, name
