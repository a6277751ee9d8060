-- acquire_lock: takes a named lock if it is free or expired; returns the new fence, or no row when held.
-- $1 key, $2 token, $3 now, $4 ttl ms.
INSERT INTO {{schema}}.locks AS l (key, token, expires_at, fence) VALUES ($1, $2, $3::bigint + $4::bigint, 1)
ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at, fence = l.fence + 1
WHERE l.token IS NULL OR l.expires_at <= $3::bigint
RETURNING fence
