-- 008_parent: a flow child's parent, "queue:id" (set by FlowProducer), so an operator can walk back up the tree
-- from a child. Null for jobs outside a flow, for a flow's root, and for rows older than this column.
ALTER TABLE {{schema}}.jobs ADD COLUMN parent text;
