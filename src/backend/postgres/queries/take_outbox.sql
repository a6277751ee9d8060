-- take_outbox: ready jobs to publish (transport mode), leased for a while; skips ones another process holds.
-- $1 queue, $2 now, $3 limit, $4 leased until. Returns id, name, data, priority, traceparent, tracestate.
-- The pick is a MATERIALIZED CTE: as a subquery joined to the UPDATE, the planner may rescan it once per row,
-- and each rescan skips the rows this statement already updated and locks the next ones, past the LIMIT.
WITH picked AS MATERIALIZED (
  SELECT queue, id FROM {{schema}}.jobs WHERE queue = $1 AND outbox_at IS NOT NULL AND outbox_at <= $2
    AND state = 'waiting'
  ORDER BY outbox_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED
)
UPDATE {{schema}}.jobs AS j SET outbox_at = $4
FROM picked
WHERE j.queue = picked.queue AND j.id = picked.id
RETURNING j.id, j.name, j.data, j.priority, j.traceparent, j.tracestate
