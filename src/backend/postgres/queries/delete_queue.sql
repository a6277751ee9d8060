-- delete_queue: forgets a queue whose jobs are gone. $1 queue.
DELETE FROM {{schema}}.queues WHERE name = $1
