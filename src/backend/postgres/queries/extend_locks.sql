-- extend_locks: renews leases of active jobs whose token is current.
-- $1 queue, $2 ids text[], $3 tokens text[], $4 now + lock ms. Returns the ids renewed.
WITH owned AS MATERIALIZED (
{{fragment:owned_jobs}})
UPDATE {{schema}}.jobs SET lock_expires_at = $4
-- By the locked rows' own addresses (they cannot move while locked): no index, whatever the statistics.
WHERE ctid = ANY (ARRAY(SELECT ctid FROM owned))
RETURNING id
