-- 005_groups: fairness groups (opts.group). A job's group is a column so claims can pick per group; each
-- group's round-robin turn and limiter window live in their own row.
ALTER TABLE {{schema}}.jobs ADD COLUMN group_id text;
ALTER TABLE {{schema}}.queues ADD COLUMN grouped boolean NOT NULL DEFAULT false;
ALTER TABLE {{schema}}.queues ADD COLUMN turns bigint NOT NULL DEFAULT 0;
ALTER TABLE {{schema}}.queues ADD COLUMN ungrouped_turn bigint NOT NULL DEFAULT 0;
CREATE TABLE {{schema}}.groups (
  queue text NOT NULL,
  group_id text NOT NULL,
  -- queues.turns when this group was last served; the lowest goes next.
  turn bigint NOT NULL DEFAULT 0,
  limiter_starts jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (queue, group_id)
);
CREATE INDEX jobs_group_ready ON {{schema}}.jobs (queue, group_id, priority, seq)
  WHERE state = 'waiting' AND group_id IS NOT NULL;
CREATE INDEX jobs_ungrouped_ready ON {{schema}}.jobs (queue, priority, seq)
  WHERE state = 'waiting' AND group_id IS NULL;
CREATE INDEX jobs_group_active ON {{schema}}.jobs (queue, group_id) WHERE state = 'active' AND group_id IS NOT NULL;
