-- find_dependants: jobs waiting on any of the given "queue:id" references, locked.
-- $1 refs text[].
SELECT * FROM {{schema}}.jobs WHERE state = 'waiting-children' AND depends_on && $1::text[]
ORDER BY queue, id FOR UPDATE
