-- request_cancel: marks an active job for cancellation. $1 queue, $2 id.
UPDATE {{schema}}.jobs SET cancel_requested = true WHERE queue = $1 AND id = $2
