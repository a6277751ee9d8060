-- owned_jobs (fragment): the body of the MATERIALIZED CTE `owned` of finish_fast and extend_locks: the ctids
-- of the active jobs of queue $1 whose (id $2, lock token $3) pairs this worker still holds, each locked.
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
