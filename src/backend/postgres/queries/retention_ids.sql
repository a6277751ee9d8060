-- retention_ids: finished jobs of a state beyond the newest $3 or finished before $4, oldest first.
-- $1 queue, $2 state, $3 keep (count), $4 finished before (ms), $5 limit.
SELECT id FROM (
  SELECT id, finished_at, row_number() OVER (ORDER BY finished_at DESC, seq DESC) AS rank
  FROM {{schema}}.jobs WHERE queue = $1 AND state = $2
) AS ranked
WHERE rank > $3 OR finished_at < $4
ORDER BY finished_at LIMIT $5
