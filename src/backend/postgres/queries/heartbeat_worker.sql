-- heartbeat_worker: registers or refreshes a worker. $1 id, $2 info jsonb, $3 expires at.
INSERT INTO {{schema}}.workers (id, info, expires_at) VALUES ($1, $2::jsonb, $3)
ON CONFLICT (id) DO UPDATE SET info = EXCLUDED.info, expires_at = EXCLUDED.expires_at
