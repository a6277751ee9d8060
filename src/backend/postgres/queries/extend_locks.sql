-- extend_locks: renews leases of active jobs whose token is current.
-- $1 queue, $2 ids text[], $3 tokens text[], $4 now + lock ms. Returns the ids renewed.
-- Rows are locked in id order, as lock_jobs locks them, so a renewal never deadlocks with a finish.
WITH locked AS MATERIALIZED (
  SELECT id FROM {{schema}}.jobs WHERE queue = $1 AND id = ANY($2) ORDER BY id FOR UPDATE
)
UPDATE {{schema}}.jobs AS j SET lock_expires_at = $4
FROM unnest($2::text[], $3::text[]) AS l(id, token)
WHERE j.queue = $1 AND j.id = l.id AND j.state = 'active' AND j.lock_token = l.token
  AND j.id IN (SELECT id FROM locked)
RETURNING j.id
