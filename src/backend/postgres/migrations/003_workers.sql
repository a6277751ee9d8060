-- 003_workers: the worker registry behind backend.listWorkers().
CREATE TABLE {{schema}}.workers (
  id text PRIMARY KEY,
  info jsonb NOT NULL,
  expires_at bigint NOT NULL
);
