--[[
  replay-dead-letter: a job that failed for good or expired goes back to waiting with a fresh attempt budget.
  KEYS[1] base   ARGV: id, now, outbox
  Returns HGETALL of the job, or nil when it is missing or not failed/expired (already replayed, retried,
  removed): of two concurrent replays of one job, exactly one gets the record.
]]
-- include: lib/keys.lua
-- include: lib/transitions.lua
local base, id, now, outbox = KEYS[1], ARGV[1], tonumber(ARGV[2]), ARGV[3]
local key = jobKey(base, id)
local state = redis.call("HGET", key, "state")
if state ~= "failed" and state ~= "expired" then return nil end
redis.call("HSET", key, "attemptsMade", 0, "stalledCount", 0, "cancelRequested", "0")
redis.call("HDEL", key, "failedReason", "finishedAt", "returnValue")
toWaiting(base, id, state, now, outbox)
return redis.call("HGETALL", key)
