-- claim_planned: claims, per group, the planned number of its ready jobs in (priority, seq) order; the
-- group '' stands for ungrouped jobs. $1 queue, $2 group ids text[], $3 counts int[], $4 now, $5 worker id,
-- $6 lock ms, $7 max stalled, $8 token prefix.
-- The pick is a MATERIALIZED CTE: as a subquery joined to the UPDATE, the planner may rescan it once per row,
-- and each rescan skips the rows this statement already updated and locks the next ones, past the LIMIT.
WITH picked AS MATERIALIZED (
  SELECT p.queue, p.id FROM unnest($2::text[], $3::int[]) AS plan(group_id, n)
  CROSS JOIN LATERAL (
    SELECT w.queue, w.id FROM {{schema}}.jobs w
    WHERE plan.group_id <> '' AND w.queue = $1 AND w.state = 'waiting' AND w.group_id = plan.group_id
    ORDER BY w.priority, w.seq LIMIT plan.n FOR UPDATE SKIP LOCKED
  ) AS p
  UNION ALL
  SELECT u.queue, u.id FROM (
    SELECT w.queue, w.id FROM {{schema}}.jobs w
    WHERE w.queue = $1 AND w.state = 'waiting' AND w.group_id IS NULL
    ORDER BY w.priority, w.seq
    LIMIT (SELECT coalesce(sum(n), 0) FROM unnest($2::text[], $3::int[]) AS plan(group_id, n) WHERE group_id = '')
    FOR UPDATE SKIP LOCKED
  ) AS u
)
UPDATE {{schema}}.jobs AS j SET state = 'active', attempts_made = j.attempts_made + 1, processed_at = $4,
  worker_id = $5, lock_token = $8::text || j.seq, lock_expires_at = $4::bigint + $6::bigint, max_stalled = $7,
  cancel_requested = false, outbox_at = NULL, ttl_at = NULL
FROM picked
WHERE j.queue = picked.queue AND j.id = picked.id
RETURNING j.*
