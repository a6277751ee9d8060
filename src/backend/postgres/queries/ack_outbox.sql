-- ack_outbox: publishes were confirmed. $1 queue, $2 ids text[].
UPDATE {{schema}}.jobs SET outbox_at = NULL WHERE queue = $1 AND id = ANY($2)
