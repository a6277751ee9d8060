-- list_schedules: a queue's schedules by key. $1 queue.
SELECT body FROM {{schema}}.schedules WHERE queue = $1 ORDER BY key COLLATE "C"
