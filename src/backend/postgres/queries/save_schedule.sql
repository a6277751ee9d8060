-- save_schedule: stores a schedule's whole record. $1 queue, $2 key, $3 body (jsonb).
INSERT INTO {{schema}}.schedules (queue, key, body) VALUES ($1, $2, $3)
ON CONFLICT (queue, key) DO UPDATE SET body = EXCLUDED.body
