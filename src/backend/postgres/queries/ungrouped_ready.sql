-- ungrouped_ready: how many ungrouped jobs are ready, capped. $1 queue, $2 cap.
SELECT count(*)::int AS ready FROM (SELECT 1 FROM {{schema}}.jobs
  WHERE queue = $1 AND state = 'waiting' AND group_id IS NULL LIMIT $2) AS capped
