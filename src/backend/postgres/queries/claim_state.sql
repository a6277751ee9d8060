-- claim_state: the queue's flags, locked for this transaction (pause, limiter and group turns are consistent),
-- with what a claim must do before it claims: the earliest delayed job and whether a waiting job's ttl ran out.
-- $1 queue, $2 now. Returns paused, limiter_starts, grouped, turns, ungrouped_turn, next_due (null: none),
-- ttl_due (no row: never used).
SELECT paused, limiter_starts, grouped, turns, ungrouped_turn,
  (SELECT min(run_at) FROM {{schema}}.jobs WHERE queue = $1 AND state = 'delayed') AS next_due,
  EXISTS (
    SELECT 1 FROM {{schema}}.jobs WHERE queue = $1 AND state = 'waiting' AND ttl_at < $2
  ) AS ttl_due
FROM {{schema}}.queues WHERE name = $1 FOR UPDATE
