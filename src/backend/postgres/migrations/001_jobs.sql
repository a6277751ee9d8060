-- 001_jobs: the jobs table, queue flags, logs. Never edited once released; later changes are new files.
-- {{schema}} is replaced by the configured, validated and quoted schema name at load.
CREATE TABLE {{schema}}.queues (
  name text PRIMARY KEY,
  paused boolean NOT NULL DEFAULT false,
  -- Claim times inside the sliding limiter window, oldest first.
  limiter_starts bigint[] NOT NULL DEFAULT '{}'
);

CREATE TABLE {{schema}}.jobs (
  queue text NOT NULL,
  id text NOT NULL,
  seq bigserial NOT NULL,
  name text NOT NULL,
  data text NOT NULL,
  opts jsonb NOT NULL,
  state text NOT NULL,
  priority smallint NOT NULL,
  created_at bigint NOT NULL,
  run_at bigint NOT NULL,
  attempts_made integer NOT NULL DEFAULT 0,
  stalled_count integer NOT NULL DEFAULT 0,
  max_stalled integer NOT NULL DEFAULT 1,
  progress text,
  return_value text,
  failed_reason text,
  stacktrace jsonb NOT NULL DEFAULT '[]',
  ready_at bigint,
  processed_at bigint,
  finished_at bigint,
  worker_id text,
  lock_token text,
  lock_expires_at bigint,
  cancel_requested boolean NOT NULL DEFAULT false,
  dedupe_key text,
  -- When a waiting job with a ttl expires.
  ttl_at bigint,
  -- Fully qualified "queue:id" dependencies.
  depends_on text[] NOT NULL DEFAULT '{}',
  -- Transport mode: null = nothing to publish; otherwise leased until this time (0 = not yet taken).
  outbox_at bigint,
  PRIMARY KEY (queue, id)
);

-- Claims read only ready jobs, in (priority, seq) order.
CREATE INDEX jobs_ready ON {{schema}}.jobs (queue, priority, seq) WHERE state = 'waiting';
CREATE INDEX jobs_delayed ON {{schema}}.jobs (queue, run_at) WHERE state = 'delayed';
CREATE INDEX jobs_active ON {{schema}}.jobs (queue, lock_expires_at) WHERE state = 'active';
CREATE INDEX jobs_ttl ON {{schema}}.jobs (queue, ttl_at) WHERE state = 'waiting' AND ttl_at IS NOT NULL;
CREATE INDEX jobs_by_state ON {{schema}}.jobs (queue, state, finished_at, seq);
CREATE INDEX jobs_dedupe ON {{schema}}.jobs (queue, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX jobs_outbox ON {{schema}}.jobs (queue, outbox_at) WHERE outbox_at IS NOT NULL;
CREATE INDEX jobs_children ON {{schema}}.jobs USING gin (depends_on) WHERE state = 'waiting-children';

CREATE TABLE {{schema}}.logs (
  queue text NOT NULL,
  id text NOT NULL,
  n bigserial NOT NULL,
  line text NOT NULL,
  PRIMARY KEY (queue, id, n)
);
