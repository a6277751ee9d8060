--[[
  claim-job-ids: claims jobs named by transport deliveries (RabbitMQ), one verdict per id.
  KEYS[1] base
  ARGV: now, workerId, lockMs, maxStalled, limiterMax (0 = none), limiterDuration, tokenPrefix, outbox,
    groupConcurrency (0 = none), groupLimiterMax (0 = none), groupLimiterDuration, ids...
  A job whose group is at its limits is "limited" until its group limiter resets (or shortly, for concurrency).
  Returns per id: { "claimed", record JSON } | { "expired", record JSON } | { "gone" } | { "not-ready" } | { "paused" }
  | { "limited", retryAt }.
  Invariant: a job already active under a lease is never claimed again (duplicate deliveries are dropped).
]]
-- include: lib/keys.lua
-- include: lib/commands.lua
-- include: lib/transitions.lua
-- include: lib/dependencies.lua
-- include: lib/claims.lua
local base = KEYS[1]
local now, workerId, lockMs, maxStalled = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local limMax, limDur, tokenPrefix, outbox = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], ARGV[8]
local gConc, gLimMax, gLimDur = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local GROUP_BUSY_RETRY_MS = 200
local paused = redis.call("HGET", base .. "meta", "paused") == "1"
local hasTtl = redis.call("EXISTS", base .. "ttl") == 1
local results = {}
local picked, tokens, slots = {}, {}, {} -- jobs to activate together, and where their results go
for i = 12, #ARGV do
  local id = ARGV[i]
  local key = jobKey(base, id)
  local f = redis.call("HMGET", key, "state", "group")
  local groupOk, groupReset = true, 0
  if f[1] == "waiting" and f[2] and not paused then
    groupOk, groupReset = groupAllows(base, f[2], now, gConc, gLimMax, gLimDur)
  end
  local state = f[1]
  if not state then
    results[#results + 1] = {"gone"}
  elseif state == "delayed" or state == "waiting-children" then
    results[#results + 1] = {"not-ready"}
  elseif state ~= "waiting" then
    results[#results + 1] = {"gone"}
  elseif paused then
    results[#results + 1] = {"paused"}
  elseif not limiterAllows(base, now, limMax, limDur) then
    results[#results + 1] = {"limited", limiterResetAt(base, limDur)}
  elseif not groupOk then
    results[#results + 1] = {"limited", groupReset > 0 and groupReset or now + GROUP_BUSY_RETRY_MS}
  else
    if hasTtl and ttlExpired(base, id, now) then
      expireJob(base, id, now, "waiting", outbox)
      results[#results + 1] = {"expired", (recordJson(key))}
    else
      local token = tokenPrefix .. i
      -- Counted now, so the limiters see this claim when they judge the next id.
      if limMax > 0 then redis.call("ZADD", base .. "limiter", now, now .. ":" .. id .. ":" .. token) end
      if f[2] then
        groupLeave(base, id, f[2], "waiting")
        groupEnter(base, id, f[2], "active", now)
        served(base, f[2], now, gLimMax)
      end
      picked[#picked + 1] = id
      tokens[#tokens + 1] = token
      results[#results + 1] = false
      slots[#picked] = #results
    end
  end
end
local records = activateMany(base, picked, tokens, now, workerId, lockMs, maxStalled, 0, outbox, true)
for i, record in ipairs(records) do results[slots[i]] = {"claimed", record} end
if redis.call("ZCARD", base .. "wait") == 0 then
  redis.call("DEL", base .. "marker")
end
return results
