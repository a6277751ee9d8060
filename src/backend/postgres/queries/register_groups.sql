-- register_groups: records a queue's fairness groups at add time. $1 queue, $2 group ids text[].
WITH flagged AS (
  UPDATE {{schema}}.queues SET grouped = true WHERE name = $1 AND NOT grouped
)
INSERT INTO {{schema}}.groups (queue, group_id) SELECT $1, g FROM unnest($2::text[]) AS g
ON CONFLICT DO NOTHING
