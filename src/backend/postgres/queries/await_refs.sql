-- await_refs: a dependant is being added: mark its dependencies awaited and read their states, locking their
-- rows (in (queue, id) order, as finishes lock them) so a finish running now is seen to the end, or waits
-- for this add and then sees the dependant. $1 refs "queue:id" text[].
-- Returns ref, state, fail_parent, failed_reason of each dependency that exists.
WITH wanted AS MATERIALIZED (
  SELECT j.queue, j.id FROM {{schema}}.jobs AS j
  WHERE (j.queue, j.id) IN (
    SELECT split_part(r, ':', 1), substr(r, length(split_part(r, ':', 1)) + 2) FROM unnest($1::text[]) AS r
  )
  ORDER BY j.queue, j.id FOR UPDATE
)
UPDATE {{schema}}.jobs AS j SET awaited = true FROM wanted
WHERE j.queue = wanted.queue AND j.id = wanted.id
RETURNING j.queue || ':' || j.id AS ref, j.state,
  COALESCE((j.opts ->> 'failParentOnFailure')::boolean, true) AS fail_parent, j.failed_reason
