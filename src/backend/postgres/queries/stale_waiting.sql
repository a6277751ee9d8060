-- stale_waiting: reconciliation for a transport: waiting jobs ready since before $2 with no outbox entry (their
-- delivery was lost), at most $3, locked. $1 queue. Returns id.
SELECT id FROM {{schema}}.jobs WHERE queue = $1 AND state = 'waiting' AND outbox_at IS NULL AND ready_at < $2
ORDER BY priority, seq LIMIT $3 FOR UPDATE SKIP LOCKED
