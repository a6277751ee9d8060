-- next_due: when the earliest delayed job of a queue is due.
-- $1 queue. Returns due (null when none).
SELECT min(run_at) AS due FROM {{schema}}.jobs WHERE queue = $1 AND state = 'delayed'
