-- set_limiter: stores the claim times inside the limiter window.
-- $1 queue, $2 starts bigint[].
UPDATE {{schema}}.queues SET limiter_starts = $2 WHERE name = $1
