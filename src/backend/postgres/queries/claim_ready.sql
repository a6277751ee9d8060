-- claim_ready: claims up to $n ready jobs in (priority, seq) order under fresh leases. SKIP LOCKED lets
-- concurrent workers claim disjoint jobs without waiting on each other.
-- $1 queue, $2 limit, $3 now, $4 worker id, $5 lock ms, $6 max stalled, $7 token prefix.
-- The pick is a MATERIALIZED CTE: as a subquery joined to the UPDATE, the planner may rescan it once per row,
-- and each rescan skips the rows this statement already updated and locks the next ones, past the LIMIT.
WITH picked AS MATERIALIZED (
  SELECT queue, id FROM {{schema}}.jobs WHERE queue = $1 AND state = 'waiting'
  ORDER BY priority, seq LIMIT $2 FOR UPDATE SKIP LOCKED
)
UPDATE {{schema}}.jobs AS j SET state = 'active', attempts_made = j.attempts_made + 1, processed_at = $3,
  worker_id = $4, lock_token = $7::text || j.seq, lock_expires_at = $3::bigint + $5::bigint, max_stalled = $6,
  cancel_requested = false, outbox_at = NULL, ttl_at = NULL
FROM picked
WHERE j.queue = picked.queue AND j.id = picked.id
RETURNING j.*
