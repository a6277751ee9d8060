-- delete_jobs: removes jobs and their logs.
-- $1 queue, $2 ids text[]. Returns id, name, state.
-- Rows are locked in id order, as lock_jobs locks them: two retention passes over one queue never deadlock.
WITH locked AS MATERIALIZED (
  SELECT id FROM {{schema}}.jobs WHERE queue = $1 AND id = ANY($2) ORDER BY id FOR UPDATE
), gone_logs AS (
  DELETE FROM {{schema}}.logs WHERE queue = $1 AND id = ANY($2)
)
DELETE FROM {{schema}}.jobs WHERE queue = $1 AND id IN (SELECT id FROM locked) RETURNING id, name, state
