-- set_failure: records the reason and stack traces of a failed try that retries at once.
-- $1 queue, $2 id, $3 failed reason, $4 stacktrace jsonb.
UPDATE {{schema}}.jobs SET failed_reason = $3, stacktrace = $4 WHERE queue = $1 AND id = $2
