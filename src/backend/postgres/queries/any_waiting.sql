-- any_waiting: whether the queue still has a ready job (for the drained event).
-- $1 queue.
SELECT EXISTS (SELECT 1 FROM {{schema}}.jobs WHERE queue = $1 AND state = 'waiting') AS waiting
