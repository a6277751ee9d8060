--[[
  extend-lock: pushes the expiry of a named lock its holder still has.
  KEYS[1] the lock hash   ARGV: token, now, ttl ms
  Returns 1 when extended, 0 when the token no longer holds it (expired, released or taken over).
]]
local lock, token, now, ttl = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if redis.call("HGET", lock, "token") ~= token then return 0 end
if tonumber(redis.call("HGET", lock, "expires")) <= now then return 0 end
redis.call("HSET", lock, "expires", now + ttl)
return 1
