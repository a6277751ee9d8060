-- 007_trace: the W3C trace context of the span that added a job (traceparent, and tracestate when it had one),
-- so each try's span joins the producer's trace. Null for jobs added without tracing, and for older rows.
ALTER TABLE {{schema}}.jobs ADD COLUMN traceparent text;
ALTER TABLE {{schema}}.jobs ADD COLUMN tracestate text;
