-- get_logs: a page of a job's log, and the total. $1 queue, $2 id, $3 offset, $4 limit.
SELECT line, count(*) OVER ()::integer AS total FROM {{schema}}.logs WHERE queue = $1 AND id = $2
ORDER BY n OFFSET $3 LIMIT $4
