--[[
  update-progress: stores progress and emits it. With a token, only while that lock is current.
  KEYS[1] base   ARGV: id, token ("" = no check), progress JSON, now
  Returns "ok" | "lock-lost" | error "NOT_FOUND".
]]
-- include: lib/keys.lua
-- include: lib/events.lua
local base, id, token, progress, now = KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local key = jobKey(base, id)
local f = redis.call("HMGET", key, "state", "lockToken", "name")
if not f[1] then
  if token ~= "" then return "lock-lost" end
  return redis.error_reply("NOT_FOUND")
end
if token ~= "" and (f[1] ~= "active" or f[2] ~= token) then return "lock-lost" end
redis.call("HSET", key, "progress", progress)
emit(base, now, "progress", id, f[3], {v = progress})
return "ok"
