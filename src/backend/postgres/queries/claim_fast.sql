-- claim_fast: the common claim as one autocommitted statement. It claims up to $2 ready jobs, in (priority,
-- seq) order under fresh leases, only from a queue that is not paused, has no fairness groups, and has no
-- delayed job or ttl due; otherwise it claims nothing and the caller takes the transaction in claimReady.
-- The queue row is read FOR SHARE: claims run side by side, and a pause waits for the ones in flight.
-- $1 queue, $2 limit, $3 now, $4 worker id, $5 lock ms, $6 max stalled, $7 token prefix.
-- Returns the claimed rows, each with more_waiting: whether ready jobs remain besides these. When it claims
-- nothing it returns one row whose job columns are null, with open (the queue could be claimed from here, it
-- simply had nothing ready: no transaction needed) and next_due (its earliest delayed job, null when none).
-- The pick is a MATERIALIZED CTE: as a subquery joined to the UPDATE, the planner may rescan it once per row,
-- and each rescan skips the rows this statement already updated and locks the next ones, past the LIMIT.
-- Every read goes through an index whatever the statistics say: the plan PostgreSQL caches for a prepared
-- statement (generic, estimated without the parameters) once chose a scan of the whole table for the ttl test.
WITH flags AS MATERIALIZED (
  SELECT paused, grouped FROM {{schema}}.queues WHERE name = $1 FOR SHARE
), due AS MATERIALIZED (
  -- min() reads the first entry of each partial index: no plan, generic or custom, scans the table for it.
  SELECT min(run_at) AS at FROM {{schema}}.jobs WHERE queue = $1 AND state = 'delayed'
), open AS (
  SELECT 1 FROM flags WHERE NOT paused AND NOT grouped
    AND coalesce((SELECT at FROM due) > $3, true)
    AND coalesce((
      SELECT min(ttl_at) FROM {{schema}}.jobs WHERE queue = $1 AND state = 'waiting' AND ttl_at IS NOT NULL
    ) >= $3, true)
), picked AS MATERIALIZED (
  SELECT ctid FROM {{schema}}.jobs
  WHERE queue = $1 AND state = 'waiting' AND EXISTS (SELECT 1 FROM open)
  ORDER BY priority, seq LIMIT $2 FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE {{schema}}.jobs AS j SET state = 'active', attempts_made = j.attempts_made + 1, processed_at = $3,
    worker_id = $4, lock_token = $7::text || j.seq, lock_expires_at = $3::bigint + $5::bigint,
    max_stalled = $6, cancel_requested = false, outbox_at = NULL, ttl_at = NULL
  -- By the locked rows' own addresses (they cannot move while locked): no join for a plan to get wrong. A row
  -- changed between the statement's snapshot and its lock is not seen at its new address: it stays waiting
  -- for the next claim.
  WHERE j.ctid = ANY (ARRAY(SELECT ctid FROM picked))
  RETURNING j.*
)
-- The statement's snapshot still shows the claimed rows as waiting: more remain when it shows more of them.
SELECT claimed.*,
  (SELECT count(*) FROM (
    SELECT 1 FROM {{schema}}.jobs WHERE queue = $1 AND state = 'waiting' ORDER BY priority, seq LIMIT $2::int + 1
  ) AS ready) > (SELECT count(*) FROM claimed) AS more_waiting,
  EXISTS (SELECT 1 FROM open) AS open,
  CASE WHEN claimed.id IS NULL THEN (SELECT at FROM due) END AS next_due
FROM (SELECT) AS one LEFT JOIN claimed ON true
