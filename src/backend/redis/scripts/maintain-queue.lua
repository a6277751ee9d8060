--[[
  maintain-queue: one maintenance pass. Promotes due delayed jobs, recovers jobs whose lease expired (back to
  waiting with a stall counted, or failed past their stall budget), expires ttl jobs, applies age retention.
  KEYS[1] base   ARGV[1] now   ARGV[2] outbox
  Returns { promoted, stalled, failedStalled, expired, removed }.
]]
-- include: lib/keys.lua
-- include: lib/events.lua
-- include: lib/transitions.lua
-- include: lib/retention.lua
-- include: lib/dependencies.lua
local base = KEYS[1]
local now, outbox = tonumber(ARGV[1]), ARGV[2]
local promoted = promoteDue(base, now, 1000, outbox)
local stalled, failedStalled, expired, removed = 0, 0, 0, 0

local late = redis.call("ZRANGEBYSCORE", base .. "active", "-inf", "(" .. now, "LIMIT", 0, 1000)
for _, id in ipairs(late) do
  local key = jobKey(base, id)
  local count = redis.call("HINCRBY", key, "stalledCount", 1)
  local f = redis.call("HMGET", key, "name", "maxStalled", "attemptsMade")
  stalled = stalled + 1
  emit(base, now, "stalled", id, f[1], {a = f[3]})
  if count > tonumber(f[2]) then
    failedStalled = failedStalled + 1
    failJob(base, id, "job stalled more than " .. f[2] ..
      " time(s): its worker stopped renewing the lock (crashed, or blocked the event loop)", now, "active", outbox)
  else
    clearLock(key)
    toWaiting(base, id, "active", now, outbox)
  end
end

local stale = redis.call("ZRANGEBYSCORE", base .. "ttl", "-inf", "(" .. now, "LIMIT", 0, 1000)
for _, id in ipairs(stale) do
  redis.call("ZREM", base .. "ttl", id)
  if redis.call("HGET", jobKey(base, id), "state") == "waiting" then
    expireJob(base, id, now, "waiting", outbox)
    expired = expired + 1
  end
end

for _, state in ipairs({"completed", "failed"}) do
  local oldest = redis.call("ZRANGE", base .. state, 0, 0)[1]
  if oldest then
    local opts = cjson.decode(redis.call("HGET", jobKey(base, oldest), "opts"))
    local policy = state == "completed" and opts.removeOnComplete or opts.removeOnFail
    if type(policy) == "table" and policy.age then
      removed = removed + applyRetention(base, state, policy, now)
    end
  end
end
return {promoted, stalled, failedStalled, expired, removed}
