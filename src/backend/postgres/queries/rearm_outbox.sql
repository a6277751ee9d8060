-- rearm_outbox: gives waiting jobs an outbox entry again (reconciliation). $1 queue, $2 ids text[].
UPDATE {{schema}}.jobs SET outbox_at = 0 WHERE queue = $1 AND id = ANY($2) AND state = 'waiting'
RETURNING id
