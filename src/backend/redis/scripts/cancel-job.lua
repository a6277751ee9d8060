--[[
  cancel-job: cancels a pending job at once, or asks the worker running it to abort.
  KEYS[1] base   ARGV: id, reason, now, outbox
  Returns "cancelled" | "requested" | "finished" | "not-found".
]]
-- include: lib/keys.lua
-- include: lib/events.lua
-- include: lib/transitions.lua
-- include: lib/dependencies.lua
local base, id, reason, now, outbox = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local key = jobKey(base, id)
local f = redis.call("HMGET", key, "state", "name")
local state = f[1]
if not state then return "not-found" end
if state == "completed" or state == "failed" or state == "cancelled" or state == "expired" then return "finished" end
if state == "active" then
  redis.call("HSET", key, "cancelRequested", "1")
  emit(base, now, "cancel-requested", id, f[2], {r = reason})
  return "requested"
end
setState(base, id, state, "cancelled", now)
redis.call("HSET", key, "failedReason", reason, "finishedAt", now)
emit(base, now, "cancelled", id, f[2], {p = state, r = reason})
settleDependants(base, id, now, outbox)
return "cancelled"
