--[[
  release-lock: frees a named lock its holder still has (the fence stays).
  KEYS[1] the lock hash   ARGV: token, now
  Returns 1 when released, 0 when the token no longer holds it.
]]
local lock, token, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
if redis.call("HGET", lock, "token") ~= token then return 0 end
if tonumber(redis.call("HGET", lock, "expires")) <= now then return 0 end
redis.call("HDEL", lock, "token", "expires")
return 1
