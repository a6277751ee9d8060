-- ack_outbox: publishes were confirmed; forget the entries still under the lease they were taken with. An
-- entry made again since (the job failed and became ready while the first message was in flight) stays.
-- $1 queue, $2 ids text[], $3 leased until.
-- Rows are locked in id order, as lock_jobs locks them: an unordered UPDATE deadlocked with a claim or finish
-- of the same just-published jobs, and each deadlock cost deadlock_timeout (1 s) before it was broken.
WITH locked AS MATERIALIZED (
  SELECT id FROM {{schema}}.jobs WHERE queue = $1 AND id = ANY($2) AND outbox_at = $3 ORDER BY id FOR UPDATE
)
UPDATE {{schema}}.jobs SET outbox_at = NULL WHERE queue = $1 AND id IN (SELECT id FROM locked)
  AND outbox_at = $3
