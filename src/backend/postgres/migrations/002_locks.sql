-- 002_locks: named locks for backend.lock(). The row outlives its holders, so the fence keeps growing.
CREATE TABLE {{schema}}.locks (
  key text PRIMARY KEY,
  token text,
  expires_at bigint,
  fence bigint NOT NULL DEFAULT 0
);
