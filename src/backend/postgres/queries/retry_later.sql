-- retry_later: a failed try will run again at $3 (delayed until then).
-- $1 queue, $2 id, $3 run at, $4 failed reason, $5 stacktrace jsonb.
UPDATE {{schema}}.jobs SET state = 'delayed', run_at = $3, failed_reason = $4, stacktrace = $5,
  lock_token = NULL, lock_expires_at = NULL
WHERE queue = $1 AND id = $2
