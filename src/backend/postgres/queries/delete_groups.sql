-- delete_groups: forgets a queue's fairness groups (obliterate). $1 queue.
DELETE FROM {{schema}}.groups WHERE queue = $1
