--[[
  promote-job: runs a delayed job now.
  KEYS[1] base   ARGV: id, now, outbox
  Returns HGETALL of the job, or error "NOT_FOUND" / "CONFLICT <state>".
]]
-- include: lib/keys.lua
-- include: lib/transitions.lua
local base, id, now, outbox = KEYS[1], ARGV[1], tonumber(ARGV[2]), ARGV[3]
local key = jobKey(base, id)
local state = redis.call("HGET", key, "state")
if not state then return redis.error_reply("NOT_FOUND") end
if state ~= "delayed" then return redis.error_reply("CONFLICT " .. state) end
redis.call("HSET", key, "runAt", now)
toWaiting(base, id, "delayed", now, outbox)
return redis.call("HGETALL", key)
