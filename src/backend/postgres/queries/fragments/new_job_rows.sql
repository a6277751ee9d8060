-- new_job_rows (fragment): the SELECT that insert_jobs and enqueue_plain insert: the columns of each new job of
-- the jsonb array $1 (see insert_jobs.sql for its fields).
SELECT queue, id, name, data, opts, state, priority, created_at, run_at, ready_at, ttl_at, dedupe_key,
  depends_on, outbox_at, opts ->> 'group', traceparent, tracestate, parent
FROM jsonb_to_recordset($1::jsonb) AS x(queue text, id text, name text, data text, opts jsonb, state text,
  priority smallint, created_at bigint, run_at bigint, ready_at bigint, ttl_at bigint, dedupe_key text,
  depends_on text[], outbox_at bigint, traceparent text, tracestate text, parent text)
