-- search_jobs: jobs of a queue whose id, name, failed_reason or data contains a text, case-insensitively,
-- newest first, within a bounded window.
-- $1 queue, $2 states text[], $3 ILIKE pattern (the text with \, % and _ escaped, between two %),
-- $4 offset, $5 limit, $6 scan limit (most jobs examined).
-- Returns one row per job of the page (every jobs column) with total and truncated on each; when the page is
-- empty, one row whose job columns are all null.
-- The window is the $6 most recent jobs of the states asked, each state in the order jobs_by_state keeps it
-- (001_jobs.sql: finished jobs by finish time, the others by add order, the newest first), as Redis's search
-- walks each state's own index: each state's first $6 + 1 are read from that index, so no state is read
-- further than that, and they are merged newest first by created_at. The one extra row only tells whether the
-- bound cut the scan short. One statement is one snapshot: total and page agree. No index of its own: one more
-- index keyed by state would be rewritten on every transition of every job, to serve an operator's search.
WITH scanned AS MATERIALIZED (
  SELECT w.id, w.created_at, w.seq
  FROM unnest($2::text[]) AS s (state)
  CROSS JOIN LATERAL (
    SELECT id, created_at, seq FROM {{schema}}.jobs
    WHERE queue = $1 AND state = s.state
    ORDER BY finished_at DESC, seq DESC
    LIMIT $6 + 1
  ) AS w
  ORDER BY w.created_at DESC, w.seq DESC
  LIMIT $6 + 1
),
matched AS MATERIALIZED (
  SELECT k.id, k.created_at, k.seq
  FROM (SELECT * FROM scanned ORDER BY created_at DESC, seq DESC LIMIT $6) AS k
  -- One primary-key probe per job of the window; the LIMIT keeps the planner from turning this into a join
  -- that would match every row of the table.
  CROSS JOIN LATERAL (
    SELECT 1 FROM {{schema}}.jobs AS j
    WHERE j.queue = $1 AND j.id = k.id
      AND (j.id ILIKE $3 OR j.name ILIKE $3 OR j.failed_reason ILIKE $3 OR j.data ILIKE $3)
    LIMIT 1
  ) AS hit
)
SELECT t.total, t.truncated, p.*
FROM (
  SELECT (SELECT count(*) FROM matched)::integer AS total, (SELECT count(*) FROM scanned) > $6 AS truncated
) AS t
LEFT JOIN LATERAL (
  SELECT j.* FROM (SELECT * FROM matched ORDER BY created_at DESC, seq DESC OFFSET $4 LIMIT $5) AS m
  JOIN {{schema}}.jobs AS j ON j.queue = $1 AND j.id = m.id
  ORDER BY m.created_at DESC, m.seq DESC
) AS p ON true
ORDER BY p.created_at DESC, p.seq DESC
