--[[
  take-outbox: ready jobs whose delivery message must be published (transport mode), leased for leaseMs.
  KEYS[1] base   ARGV: now, limit, leaseMs
  Returns { id, name, data, priority, traceparent or false, tracestate or false } per entry; drops entries whose
  job is no longer waiting.
]]
-- include: lib/keys.lua
local base, now, limit, leaseMs = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local ids = redis.call("ZRANGEBYSCORE", base .. "outbox", "-inf", now, "LIMIT", 0, limit)
local entries = {}
for _, id in ipairs(ids) do
  local f = redis.call("HMGET", jobKey(base, id), "state", "name", "data", "priority", "traceparent", "tracestate")
  if f[1] ~= "waiting" then
    redis.call("ZREM", base .. "outbox", id)
  else
    redis.call("ZADD", base .. "outbox", now + leaseMs, id)
    entries[#entries + 1] = {id, f[2], f[3], f[4], f[5], f[6]}
  end
end
return entries
