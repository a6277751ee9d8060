--[[
  snapshot-queue: a queue at a glance, read only: jobs per state, the pause flag, and when the longest-waiting
  ready job became ready. The wait set is ordered by priority then sequence, so the first job of each priority
  level (ungrouped and grouped) is the one that has waited longest in it: at most 20 probes, never a scan.
  KEYS[1] base   ARGV: none
  Returns {counts per state in STATES order..., paused "1"|"0", oldest readyAt or ""}.
]]
-- include: lib/keys.lua
-- include: lib/transitions.lua
local base = KEYS[1]
local STATES = {"wait", "delayed", "waiting-children", "active", "completed", "failed", "cancelled", "expired"}

local reply = {}
for i, state in ipairs(STATES) do reply[i] = redis.call("ZCARD", base .. state) end
reply[#reply + 1] = redis.call("HGET", base .. "meta", "paused") == "1" and "1" or "0"

local oldest = nil
if reply[1] > 0 then
  for _, offset in ipairs({0, GROUP_OFFSET}) do
    for priority = 1, 10 do
      local low = offset + priority * PRIORITY_FACTOR
      local head = redis.call("ZRANGEBYSCORE", base .. "wait", string.format("%.0f", low),
        "(" .. string.format("%.0f", low + PRIORITY_FACTOR), "LIMIT", 0, 1)
      if head[1] then
        local readyAt = tonumber(redis.call("HGET", jobKey(base, head[1]), "readyAt"))
        if readyAt and (oldest == nil or readyAt < oldest) then oldest = readyAt end
      end
    end
  end
end
reply[#reply + 1] = oldest and tostring(oldest) or ""
return reply
