-- snapshot_queues: each queue at a glance, for a whole set of queues in one statement.
-- $1 queues text[]. Returns queue, counts (jsonb: state -> count), paused, oldest_ready_at (null: none waits).
-- The longest wait is read from the front of each priority level through jobs_ready (queue, priority, seq):
-- ten index probes per queue, never a scan of the waiting jobs.
WITH wanted AS (
  SELECT DISTINCT unnest($1::text[]) AS queue
), counted AS (
  SELECT queue, jsonb_object_agg(state, n) AS counts
  FROM (
    SELECT queue, state, count(*)::integer AS n FROM {{schema}}.jobs WHERE queue = ANY($1) GROUP BY queue, state
  ) AS per_state
  GROUP BY queue
), oldest AS (
  SELECT w.queue, min(front.ready_at) AS oldest_ready_at
  FROM wanted AS w
  CROSS JOIN generate_series(1, 10) AS p(priority)
  CROSS JOIN LATERAL (
    SELECT j.ready_at FROM {{schema}}.jobs AS j
    WHERE j.queue = w.queue AND j.state = 'waiting' AND j.priority = p.priority
    ORDER BY j.seq LIMIT 1
  ) AS front
  GROUP BY w.queue
)
SELECT w.queue, coalesce(c.counts, '{}'::jsonb) AS counts, coalesce(q.paused, false) AS paused, o.oldest_ready_at
FROM wanted AS w
LEFT JOIN counted AS c ON c.queue = w.queue
LEFT JOIN {{schema}}.queues AS q ON q.name = w.queue
LEFT JOIN oldest AS o ON o.queue = w.queue
