--[[
  acquire-lock: takes a named lock if it is free or expired.
  KEYS[1] the lock hash "{prefix:lock:<key>}" (token, expires, fence)   ARGV: token, now, ttl ms
  Returns the new fencing token (the key's acquisitions so far), or false when another holder has it.
  The hash never expires by itself, so the fence keeps growing across holders.
]]
local lock, token, now, ttl = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local expires = tonumber(redis.call("HGET", lock, "expires") or "0")
if redis.call("HEXISTS", lock, "token") == 1 and expires > now then return false end
local fence = redis.call("HINCRBY", lock, "fence", 1)
redis.call("HSET", lock, "token", token, "expires", now + ttl)
return fence
