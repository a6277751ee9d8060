--[[
  extend-locks: renews the leases of active jobs in one call.
  KEYS[1] base   ARGV: now, lockMs, then id, token pairs
  Returns the ids whose lock is no longer held (not active, or another token).
]]
-- include: lib/keys.lua
local base = KEYS[1]
local now, lockMs = tonumber(ARGV[1]), tonumber(ARGV[2])
local lost = {}
for i = 3, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local key = jobKey(base, id)
  local f = redis.call("HMGET", key, "state", "lockToken")
  if f[1] == "active" and f[2] == token then
    redis.call("HSET", key, "lockExpiresAt", now + lockMs)
    redis.call("ZADD", base .. "active", now + lockMs, id)
  else
    lost[#lost + 1] = id
  end
end
return lost
