--[[
  drain-queue: removes up to `limit` waiting jobs (and delayed ones when asked). Called until it returns 0.
  KEYS[1] base   ARGV: includeDelayed "1"|"0", limit, now, outbox
  Jobs waiting on a removed job stop waiting for it.
  Returns how many it removed.
]]
-- include: lib/events.lua
-- include: lib/retention.lua
-- include: lib/dependencies.lua
local base, includeDelayed, limit, now, outbox = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local removed = 0
local sets = {"wait"}
if includeDelayed == "1" then sets[2] = "delayed" end
for _, set in ipairs(sets) do
  local ids = redis.call("ZRANGE", base .. set, 0, limit - removed - 1)
  for _, id in ipairs(ids) do
    deleteJob(base, id); removed = removed + 1
    settleDependants(base, id, now, outbox)
  end
end
if removed > 0 then
  redis.call("DEL", base .. "marker")
  emit(base, now, "cleaned", nil, nil, {c = removed})
end
return removed
