-- insert_jobs: stores new jobs in their entry state, in one statement for the whole batch.
-- $1 jsonb array of rows (queue, id, name, data, opts, state, priority, created_at, run_at, ready_at, ttl_at,
-- dedupe_key, depends_on, outbox_at, traceparent, tracestate, parent). Returns every column of the inserted jobs, in
-- input order (by seq).
INSERT INTO {{schema}}.jobs (queue, id, name, data, opts, state, priority, created_at, run_at, ready_at, ttl_at,
  dedupe_key, depends_on, outbox_at, group_id, traceparent, tracestate, parent)
SELECT queue, id, name, data, opts, state, priority, created_at, run_at, ready_at, ttl_at, dedupe_key,
  depends_on, outbox_at, opts ->> 'group', traceparent, tracestate, parent
FROM jsonb_to_recordset($1::jsonb) AS x(queue text, id text, name text, data text, opts jsonb, state text,
  priority smallint, created_at bigint, run_at bigint, ready_at bigint, ttl_at bigint, dedupe_key text,
  depends_on text[], outbox_at bigint, traceparent text, tracestate text, parent text)
RETURNING *
