--[[
  claim-jobs: the fetch hot path. Promotes due delayed jobs, then claims up to `max` ready jobs in
  (priority, seq) order under fresh leases, expiring those whose ttl ran out. Honours the queue's pause
  flag and a sliding-window limiter shared by every worker.
  KEYS[1] base
  ARGV: now, max, workerId, lockMs, maxStalled, limiterMax (0 = none), limiterDuration, tokenPrefix, outbox,
    groupConcurrency (0 = none), groupLimiterMax (0 = none), groupLimiterDuration
  Fairness groups are served round-robin (pickNext); the limiter reset returned also covers group limiters.
  Returns { nextDueAt (0 = none), limiterResetAt (0 = free), { each claimed job as JSON (recordJson) } }.
]]
-- include: lib/events.lua
-- include: lib/transitions.lua
-- include: lib/dependencies.lua
-- include: lib/claims.lua
local base = KEYS[1]
local now, max = tonumber(ARGV[1]), tonumber(ARGV[2])
local workerId, lockMs, maxStalled = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local limMax, limDur, tokenPrefix, outbox = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], ARGV[9]
local gConc, gLimMax, gLimDur = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local groupReset = 0

promoteDue(base, now, 1000, outbox)
if redis.call("HGET", base .. "meta", "paused") == "1" then
  return {nextDueAt(base), 0, {}}
end
local claimed, limited
if redis.call("EXISTS", base .. "gready") == 0 then
  claimed, limited = claimUngrouped(base, now, max, workerId, lockMs, maxStalled, tokenPrefix, limMax, limDur, outbox)
else
  claimed, limited = {}, false
  while #claimed < max do
    if not limiterAllows(base, now, limMax, limDur) then
      limited = true
      break
    end
    local id, group, reset = pickNext(base, now, gConc, gLimMax, gLimDur)
    groupReset = reset
    if not id then break end
    if ttlExpired(base, id, now) then
      expireJob(base, id, now, "waiting", outbox)
    else
      claimed[#claimed + 1] = activate(base, id, group, now, workerId, lockMs, maxStalled, tokenPrefix .. #claimed,
        limMax, outbox)
      served(base, group, now, gLimMax)
    end
  end
end
if #claimed > 0 and redis.call("ZCARD", base .. "wait") == 0 then
  redis.call("DEL", base .. "marker")
  emit(base, now, "drained", nil, nil, nil)
end
local resetAt = limited and limiterResetAt(base, limDur) or 0
if groupReset > 0 and (resetAt == 0 or groupReset < resetAt) then resetAt = groupReset end
return {nextDueAt(base), resetAt, claimed}
