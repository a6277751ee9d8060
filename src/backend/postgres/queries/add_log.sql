-- add_log: appends a log line. $1 queue, $2 id, $3 line. Returns the number of lines.
WITH added AS (INSERT INTO {{schema}}.logs (queue, id, line) VALUES ($1, $2, $3))
SELECT count(*)::integer + 1 AS count FROM {{schema}}.logs WHERE queue = $1 AND id = $2
