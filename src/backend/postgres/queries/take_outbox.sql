-- take_outbox: ready jobs to publish (transport mode), leased for a while; skips ones another process holds.
-- $1 queue, $2 now, $3 limit, $4 leased until. Returns id, name, data, priority, traceparent, tracestate.
UPDATE {{schema}}.jobs AS j SET outbox_at = $4
FROM (
  SELECT queue, id FROM {{schema}}.jobs WHERE queue = $1 AND outbox_at IS NOT NULL AND outbox_at <= $2
    AND state = 'waiting'
  ORDER BY outbox_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED
) AS picked
WHERE j.queue = picked.queue AND j.id = picked.id
RETURNING j.id, j.name, j.data, j.priority, j.traceparent, j.tracestate
