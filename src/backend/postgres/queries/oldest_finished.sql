-- oldest_finished: the options of the oldest finished job of a state (its age retention policy).
-- $1 queue, $2 state.
SELECT opts FROM {{schema}}.jobs WHERE queue = $1 AND state = $2 ORDER BY finished_at, seq LIMIT 1
