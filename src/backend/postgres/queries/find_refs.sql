-- find_refs: the state of jobs named by "queue:id" references (dependencies).
-- $1 refs text[]. Returns ref, state, fail_parent.
SELECT queue || ':' || id AS ref, state, COALESCE((opts ->> 'failParentOnFailure')::boolean, true) AS fail_parent
FROM {{schema}}.jobs WHERE (queue, id) IN (
  SELECT split_part(r, ':', 1), substr(r, length(split_part(r, ':', 1)) + 2) FROM unnest($1::text[]) AS r
)
