-- count_logs: number of log lines of a job. $1 queue, $2 id.
SELECT count(*)::integer AS count FROM {{schema}}.logs WHERE queue = $1 AND id = $2
