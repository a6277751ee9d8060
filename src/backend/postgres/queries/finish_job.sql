-- finish_job: ends a job in a terminal state (completed, failed, cancelled, expired).
-- $1 queue, $2 id, $3 state, $4 finished at, $5 return value, $6 failed reason, $7 stacktrace jsonb.
UPDATE {{schema}}.jobs SET state = $3, finished_at = $4, return_value = COALESCE($5, return_value),
  failed_reason = COALESCE($6, failed_reason), stacktrace = COALESCE($7, stacktrace),
  lock_token = NULL, lock_expires_at = NULL, outbox_at = NULL, ttl_at = NULL
WHERE queue = $1 AND id = $2
