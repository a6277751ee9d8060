-- count_stall: counts one stall on a job.
-- $1 queue, $2 id. Returns stalled_count.
UPDATE {{schema}}.jobs SET stalled_count = stalled_count + 1 WHERE queue = $1 AND id = $2 RETURNING stalled_count
