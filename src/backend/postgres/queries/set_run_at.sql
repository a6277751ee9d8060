-- set_run_at: moves a job's run time. $1 queue, $2 id, $3 run at.
UPDATE {{schema}}.jobs SET run_at = $3 WHERE queue = $1 AND id = $2
