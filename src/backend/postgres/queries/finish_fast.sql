-- finish_fast: the common completion as one autocommitted statement. Deletes the completed jobs that are not
-- kept (removeOnComplete: true) and that nothing waits on, with their logs; every other outcome (kept,
-- with dependants, or whose lock is stale) is left for the transaction in finishOutcomes.
-- $1 queue, $2 ids text[], $3 lock tokens text[].
-- Returns id, name, attempts_made, processed_at of each deleted job.
WITH locked AS MATERIALIZED (
  -- In id order, as lock_jobs locks rows, so this never deadlocks with a renewal or an outbox ack.
  SELECT id FROM {{schema}}.jobs WHERE queue = $1 AND id = ANY($2) ORDER BY id FOR UPDATE
), done AS (
  DELETE FROM {{schema}}.jobs AS j
  USING unnest($2::text[], $3::text[]) AS u(id, token)
  WHERE j.queue = $1 AND j.id = u.id AND j.state = 'active' AND j.lock_token = u.token
    AND j.id IN (SELECT id FROM locked)
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
