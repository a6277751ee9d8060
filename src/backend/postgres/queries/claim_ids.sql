-- claim_ids: claims specific waiting jobs (named by transport deliveries) under fresh leases.
-- $1 queue, $2 ids text[], $3 now, $4 worker id, $5 lock ms, $6 max stalled, $7 token prefix.
UPDATE {{schema}}.jobs AS j SET state = 'active', attempts_made = j.attempts_made + 1, processed_at = $3,
  worker_id = $4, lock_token = $7::text || j.seq, lock_expires_at = $3::bigint + $5::bigint, max_stalled = $6,
  cancel_requested = false, outbox_at = NULL, ttl_at = NULL
WHERE j.queue = $1 AND j.id = ANY($2) AND j.state = 'waiting'
RETURNING j.*
