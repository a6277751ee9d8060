--[[
  remove-job: deletes a job that is not active.
  KEYS[1] base   ARGV[1] id   ARGV[2] now   ARGV[3] outbox
  Jobs waiting on a removed pending job stop waiting for it.
  Returns 1 removed, 0 absent, or error "CONFLICT active".
]]
-- include: lib/keys.lua
-- include: lib/events.lua
-- include: lib/retention.lua
-- include: lib/dependencies.lua
local base, id, now, outbox = KEYS[1], ARGV[1], tonumber(ARGV[2]), ARGV[3]
local f = redis.call("HMGET", jobKey(base, id), "state", "name")
if not f[1] then return 0 end
if f[1] == "active" then return redis.error_reply("CONFLICT active") end
deleteJob(base, id)
emit(base, now, "removed", id, f[2], {p = f[1]})
settleDependants(base, id, now, outbox)
return 1
