-- delete_schedules: forgets every schedule of a queue (obliterate). $1 queue.
DELETE FROM {{schema}}.schedules WHERE queue = $1
