-- group_candidates: groups with ready jobs, least recently served first, with their active count, their
-- ready count (capped) and limiter window. $1 queue, $2 cap on ready counted per group.
SELECT g.group_id, g.turn, g.limiter_starts,
  (SELECT count(*) FROM {{schema}}.jobs a
    WHERE a.queue = $1 AND a.group_id = g.group_id AND a.state = 'active')::int AS active,
  (SELECT count(*) FROM (SELECT 1 FROM {{schema}}.jobs w
    WHERE w.queue = $1 AND w.group_id = g.group_id AND w.state = 'waiting' LIMIT $2) AS capped)::int AS ready
FROM {{schema}}.groups g
WHERE g.queue = $1 AND EXISTS (SELECT 1 FROM {{schema}}.jobs w
  WHERE w.queue = $1 AND w.group_id = g.group_id AND w.state = 'waiting')
ORDER BY g.turn
LIMIT 1000
