--[[
  obliterate-queue: removes a queue in batches. Called until it returns 0.
  KEYS[1] base   ARGV: force "1"|"0", limit
  Returns how many jobs remain, or error "CONFLICT <n> active" when jobs are active and not forced.
]]
-- include: lib/keys.lua
local base, force, limit = KEYS[1], ARGV[1], tonumber(ARGV[2])
local active = redis.call("ZCARD", base .. "active")
if active > 0 and force ~= "1" then return redis.error_reply("CONFLICT " .. active .. " active") end
local sets = {"wait", "delayed", "active", "waiting-children", "completed", "failed", "cancelled", "expired"}
local budget = limit
for _, set in ipairs(sets) do
  if budget <= 0 then break end
  local ids = redis.call("ZRANGE", base .. set, 0, budget - 1)
  for _, id in ipairs(ids) do
    redis.call("DEL", jobKey(base, id), base .. "logs:" .. id, base .. "deps:" .. id, base .. "xdeps:" .. id)
    redis.call("ZREM", base .. set, id)
  end
  budget = budget - #ids
end
local remaining = 0
for _, set in ipairs(sets) do remaining = remaining + redis.call("ZCARD", base .. set) end
if remaining == 0 then
  for _, g in ipairs(redis.call("SMEMBERS", base .. "groups")) do
    redis.call("DEL", base .. "gw:" .. g, base .. "ga:" .. g, base .. "glim:" .. g)
  end
  redis.call("DEL", base .. "groups", base .. "gready", base .. "gturn")
  redis.call("DEL", base .. "meta", base .. "dedupe", base .. "limiter", base .. "marker", base .. "outbox",
    base .. "ttl", base .. "seq", base .. "events", base .. "control", base .. "schedules",
    base .. "xsettle")
end
return remaining
