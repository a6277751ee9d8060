-- save_group_windows: stores groups' limiter windows after a transport's claim. $1 queue,
-- $2 jsonb array of { group_id, limiter_starts }.
UPDATE {{schema}}.groups g SET limiter_starts = x.limiter_starts
FROM jsonb_to_recordset($2::jsonb) AS x(group_id text, limiter_starts jsonb)
WHERE g.queue = $1 AND g.group_id = x.group_id
