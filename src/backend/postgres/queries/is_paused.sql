-- is_paused: the pause flag. $1 queue.
SELECT paused FROM {{schema}}.queues WHERE name = $1
