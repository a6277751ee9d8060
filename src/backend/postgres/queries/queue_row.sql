-- queue_row: the queue's flags, locked for this transaction (pause, limiter and group turns are consistent).
-- $1 queue. Returns paused, limiter_starts, grouped, turns, ungrouped_turn (no row: never used).
SELECT paused, limiter_starts, grouped, turns, ungrouped_turn FROM {{schema}}.queues WHERE name = $1 FOR UPDATE
