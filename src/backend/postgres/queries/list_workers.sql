-- list_workers: live workers, oldest first; stale registrations are deleted on the way. $1 now.
WITH stale AS (DELETE FROM {{schema}}.workers WHERE expires_at <= $1)
SELECT info FROM {{schema}}.workers WHERE expires_at > $1
ORDER BY (info ->> 'startedAt')::bigint, id
