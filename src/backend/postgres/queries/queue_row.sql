-- queue_row: the queue's flags, locked for this transaction (pause and limiter checks are consistent).
-- $1 queue. Returns paused, limiter_starts (no row: the queue has never been used).
SELECT paused, limiter_starts FROM {{schema}}.queues WHERE name = $1 FOR UPDATE
