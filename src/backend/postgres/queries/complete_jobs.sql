-- complete_jobs: ends a batch of active jobs as completed in one statement.
-- $1 queue, $2 ids text[], $3 finished at bigint[], $4 return values text[] (null: none).
UPDATE {{schema}}.jobs AS j SET state = 'completed', finished_at = u.finished_at,
  return_value = COALESCE(u.return_value, j.return_value),
  lock_token = NULL, lock_expires_at = NULL, outbox_at = NULL, ttl_at = NULL
FROM unnest($2::text[], $3::bigint[], $4::text[]) AS u(id, finished_at, return_value)
WHERE j.queue = $1 AND j.id = u.id
