-- extend_lock: pushes the expiry of a lock its holder still has. $1 key, $2 token, $3 now, $4 ttl ms.
UPDATE {{schema}}.locks SET expires_at = $3::bigint + $4::bigint
WHERE key = $1 AND token = $2 AND expires_at > $3::bigint
RETURNING fence
