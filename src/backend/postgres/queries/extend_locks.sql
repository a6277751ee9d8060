-- extend_locks: renews leases of active jobs whose token is current.
-- $1 queue, $2 ids text[], $3 tokens text[], $4 now + lock ms. Returns the ids renewed.
WITH owned AS MATERIALIZED (
  -- Each (id, token) pair probes its row by primary key, in id order (as lock_jobs locks rows, so this never
  -- deadlocks with a renewal or an outbox ack), and locks it; the rows this worker still holds go on. The
  -- LATERAL probe keeps that shape whatever the statistics say: joined as a set, the pairs were rescanned once
  -- per row, quadratic in the batch (a finish of 800 jobs took 210 ms). It names the primary key only, behind
  -- OFFSET 0 so the state test is not pushed into it: with stale statistics that sent each probe down the
  -- partial index of active jobs, a scan of all of them.
  SELECT x.ctid FROM (SELECT * FROM unnest($2::text[], $3::text[]) AS p(id, token) ORDER BY id) AS u
  CROSS JOIN LATERAL (
    SELECT j.ctid, j.state, j.lock_token FROM {{schema}}.jobs AS j WHERE j.queue = $1 AND j.id = u.id
    OFFSET 0 FOR UPDATE
  ) AS x
  WHERE x.state = 'active' AND x.lock_token = u.token
)
UPDATE {{schema}}.jobs SET lock_expires_at = $4
-- By the locked rows' own addresses (they cannot move while locked): no index, whatever the statistics.
WHERE ctid = ANY (ARRAY(SELECT ctid FROM owned))
RETURNING id
