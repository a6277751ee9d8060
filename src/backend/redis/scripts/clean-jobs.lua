--[[
  clean-jobs: removes up to `limit` jobs of a state that finished (pending states: were created) before `before`.
  KEYS[1] base   ARGV: state, before, limit, now, outbox
  Jobs waiting on a removed pending job stop waiting for it.
  Returns the removed ids, oldest first.
]]
-- include: lib/keys.lua
-- include: lib/events.lua
-- include: lib/retention.lua
-- include: lib/dependencies.lua
local base, state, before, limit, now = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local outbox = ARGV[5]
local removed = {}
if state == "completed" or state == "failed" or state == "cancelled" or state == "expired" then
  local ids = redis.call("ZRANGEBYSCORE", base .. state, "-inf", "(" .. before, "LIMIT", 0, limit)
  for _, id in ipairs(ids) do
    deleteJob(base, id); removed[#removed + 1] = id
  end
else
  local ids = redis.call("ZRANGE", setKey(base, state), 0, -1)
  for _, id in ipairs(ids) do
    if #removed >= limit then break end
    if tonumber(redis.call("HGET", jobKey(base, id), "createdAt")) < before then
      deleteJob(base, id); removed[#removed + 1] = id
      settleDependants(base, id, now, outbox)
    end
  end
end
if #removed > 0 then emit(base, now, "cleaned", nil, nil, {c = #removed}) end
return removed
