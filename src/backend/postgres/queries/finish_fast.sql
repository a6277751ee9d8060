-- finish_fast: the common completion as one autocommitted statement. Deletes the completed jobs that are not
-- kept (removeOnComplete: true) and that nothing waits on, with their logs; every other outcome (kept,
-- with dependants, or whose lock is stale) is left for the transaction in finishOutcomes.
-- $1 queue, $2 ids text[], $3 lock tokens text[].
-- Returns id, name, attempts_made, processed_at of each deleted job.
WITH owned AS MATERIALIZED (
{{fragment:owned_jobs}}), done AS (
  DELETE FROM {{schema}}.jobs AS j
  -- By the locked rows' own addresses (they cannot move while locked): no index, whatever the statistics.
  WHERE j.ctid = ANY (ARRAY(SELECT ctid FROM owned))
    AND j.opts -> 'removeOnComplete' = 'true'::jsonb
    -- A dependant added while this statement waited for the row is told by the row itself (awaited): the
    -- NOT EXISTS below sees only what was committed when the statement began.
    AND NOT j.awaited
    AND NOT EXISTS (
      SELECT 1 FROM {{schema}}.jobs AS d
      WHERE d.state = 'waiting-children' AND d.depends_on && ARRAY[$1 || ':' || j.id]
    )
  RETURNING j.id, j.name, j.attempts_made, j.processed_at
), gone_logs AS (
  DELETE FROM {{schema}}.logs AS l USING done WHERE l.queue = $1 AND l.id = done.id
)
SELECT done.* FROM done
