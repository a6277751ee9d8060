-- retention_ids: finished jobs of a state beyond the newest $3, or finished before $4, oldest first. Both
-- halves walk the (queue, state, finished_at, seq) index; neither ranks every finished job.
-- $1 queue, $2 state, $3 keep (count), $4 finished before (ms), $5 limit.
SELECT id FROM (
  (SELECT id, finished_at FROM {{schema}}.jobs WHERE queue = $1 AND state = $2
   ORDER BY finished_at DESC, seq DESC OFFSET $3 LIMIT $5)
  UNION
  (SELECT id, finished_at FROM {{schema}}.jobs WHERE queue = $1 AND state = $2 AND finished_at < $4
   ORDER BY finished_at, seq LIMIT $5)
) AS doomed
ORDER BY finished_at LIMIT $5
