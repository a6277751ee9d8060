--[[
  rearm-stale: reconciliation for a transport. Waiting jobs that became ready before `readyBefore` and have no
  outbox entry get one again, so a delivery that was lost (never published, or dropped) is made again. A
  duplicate message is harmless: a claim takes a job once.
  KEYS[1] base   ARGV: readyBefore, limit
  Looks at most 10 × limit waiting jobs, from the head of the wait set. Returns how many entries it made.
]]
-- include: lib/keys.lua
-- include: lib/events.lua
local base, readyBefore, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local ids = redis.call("ZRANGE", base .. "wait", 0, limit * 10 - 1)
local rearmed = 0
for _, id in ipairs(ids) do
  if rearmed >= limit then break end
  if not redis.call("ZSCORE", base .. "outbox", id) then
    local readyAt = tonumber(redis.call("HGET", jobKey(base, id), "readyAt") or 0)
    if readyAt < readyBefore then
      redis.call("ZADD", base .. "outbox", 0, id)
      noteOutbox(base)
      rearmed = rearmed + 1
    end
  end
end
return rearmed
