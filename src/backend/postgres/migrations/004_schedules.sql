-- 004_schedules: recurring jobs (queue.schedule). One row per (queue, key); the record is JSON because the
-- public layer owns its shape and only nextRunAt/paused/count change in place.
CREATE TABLE {{schema}}.schedules (
  queue text NOT NULL,
  key text NOT NULL,
  body jsonb NOT NULL,
  PRIMARY KEY (queue, key)
);
