-- release_lock: frees a lock its holder still has; the fence stays. $1 key, $2 token, $3 now.
UPDATE {{schema}}.locks SET token = NULL, expires_at = NULL
WHERE key = $1 AND token = $2 AND expires_at > $3::bigint
RETURNING fence
