-- reset_for_retry: a fresh attempt budget for a job being retried by hand. $1 queue, $2 id.
UPDATE {{schema}}.jobs SET attempts_made = 0, stalled_count = 0, cancel_requested = false, failed_reason = NULL,
  finished_at = NULL, return_value = NULL
WHERE queue = $1 AND id = $2
