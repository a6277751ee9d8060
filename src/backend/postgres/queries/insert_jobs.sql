-- insert_jobs: stores new jobs in their entry state, in one statement for the whole batch.
-- $1 jsonb array of rows (queue, id, name, data, opts, state, priority, created_at, run_at, ready_at, ttl_at,
-- dedupe_key, depends_on, outbox_at, traceparent, tracestate, parent). Returns every column of the inserted jobs, in
-- input order (by seq).
INSERT INTO {{schema}}.jobs (queue, id, name, data, opts, state, priority, created_at, run_at, ready_at, ttl_at,
  dedupe_key, depends_on, outbox_at, group_id, traceparent, tracestate, parent)
{{fragment:new_job_rows}}RETURNING *
