--[[
  lib/claims: taking ready jobs under leases: the queue limiter, fairness groups (round-robin, with their
  concurrency and limiter caps), and activation.
  Inputs: `base`, `now`, the worker's lease (workerId, lockMs, maxStalled, token prefix), the queue limiter
    (limMax 0 = none, limDur) and group limits (conc, limMax, limDur; 0 = none), the outbox flag.
  Outputs: jobs active with attemptsMade + 1, processedAt, workerId, lockToken, lockExpiresAt, maxStalled, in
    the active set (score = lease expiry); event "active"; claims counted in the limiter windows; each claimed
    record returned as one JSON string (recordJson).
  Invariants: at most limMax claims per queue in any limDur ms, and per group likewise; a job whose ttl ran
    out is expired, never claimed; of the groups within their limits (the ungrouped jobs count as one), the
    one served longest ago goes next.
]]
-- include: lib/keys.lua
-- include: lib/commands.lua
-- include: lib/events.lua
-- include: lib/transitions.lua
-- include: lib/dependencies.lua

local GROUP_SCAN = 1000 -- most groups one pick looks at

-- Sliding-window limiter: true when another claim fits; trims claims older than the window.
local function limiterAllows(base, now, max, duration)
  if max <= 0 then return true end
  redis.call("ZREMRANGEBYSCORE", base .. "limiter", "-inf", now - duration)
  return redis.call("ZCARD", base .. "limiter") < max
end

local function limiterResetAt(base, duration)
  local oldest = redis.call("ZRANGE", base .. "limiter", 0, 0, "WITHSCORES")
  if oldest[2] then return tonumber(oldest[2]) + duration end
  return 0
end

-- Makes picked ready jobs active under leases, with variadic set moves: a job costs three calls of its own.
-- `fromWait`: the ids are still in the wait set (not popped). Group moves and served() are the caller's.
-- tokens[i] is ids[i]'s lock token. Returns the records (recordJson) in order.
local function activateMany(base, ids, tokens, now, workerId, lockMs, maxStalled, limMax, outbox, fromWait)
  if #ids == 0 then return {} end
  if fromWait then callChunked("ZREM", base .. "wait", ids) end
  if redis.call("EXISTS", base .. "ttl") == 1 then callChunked("ZREM", base .. "ttl", ids) end
  if outbox == "1" then callChunked("ZREM", base .. "outbox", ids) end
  local records, leases = {}, {}
  for i, id in ipairs(ids) do
    local key = jobKey(base, id)
    leases[#leases + 1] = now + lockMs
    leases[#leases + 1] = id
    redis.call("HINCRBY", key, "attemptsMade", 1)
    redis.call("HSET", key, "state", "active", "processedAt", now, "workerId", workerId, "lockToken", tokens[i],
      "lockExpiresAt", now + lockMs, "maxStalled", maxStalled, "cancelRequested", "0")
    if limMax > 0 then
      redis.call("ZADD", base .. "limiter", now, now .. ":" .. id .. ":" .. tokens[i])
    end
    local json, record = recordJson(key)
    emit(base, now, "active", id, record.name, {p = "waiting", w = workerId, y = tonumber(record.readyAt)})
    records[i] = json
  end
  callChunked("ZADD", base .. "active", leases)
  return records
end

-- Makes one picked ready job active under a lease (`group`: its fairness group, or false); returns its record
-- as JSON (recordJson).
local function activate(base, id, group, now, workerId, lockMs, maxStalled, token, limMax, outbox)
  if group then
    groupLeave(base, id, group, "waiting")
    groupEnter(base, id, group, "active", now)
  end
  return activateMany(base, {id}, {token}, now, workerId, lockMs, maxStalled, limMax, outbox, true)[1]
end

-- Whether a ready job's ttl ran out before `now` (the ttl set holds readyAt + ttl).
local function ttlExpired(base, id, now)
  local expiresAt = redis.call("ZSCORE", base .. "ttl", id)
  return expiresAt and tonumber(expiresAt) < now
end

-- Whether group g may start another job under the worker's group limits; else (false, limiter reset or 0).
local function groupAllows(base, g, now, conc, limMax, limDur)
  if conc > 0 and redis.call("ZCARD", base .. "ga:" .. g) >= conc then return false, 0 end
  if limMax > 0 then
    local window = base .. "glim:" .. g
    redis.call("ZREMRANGEBYSCORE", window, "-inf", now - limDur)
    if redis.call("ZCARD", window) >= limMax then
      return false, tonumber(redis.call("ZRANGE", window, 0, 0, "WITHSCORES")[2]) + limDur
    end
  end
  return true, 0
end

-- The next job to serve: of the ungrouped head and each ready group under its limits, the one served
-- longest ago (round-robin); inside a group, priority then FIFO. Returns id (nil when none may start), its
-- group (false when ungrouped), and the earliest time a group limiter frees a slot (0 = none seen).
local function pickNext(base, now, conc, limMax, limDur)
  local head = redis.call("ZRANGE", base .. "wait", 0, 0, "WITHSCORES")
  if redis.call("EXISTS", base .. "gready") == 0 then return head[1], false, 0 end
  local best, bestTurn, bestGroup, resetAt = nil, math.huge, false, 0
  if head[1] and tonumber(head[2]) < GROUP_OFFSET then
    best, bestTurn = head[1], tonumber(redis.call("HGET", base .. "meta", "uturn") or 0)
  end
  local groups = redis.call("ZRANGE", base .. "gready", 0, GROUP_SCAN - 1, "WITHSCORES")
  for i = 1, #groups, 2 do
    local g, turn = groups[i], tonumber(groups[i + 1])
    if turn >= bestTurn then break end
    local ok, reset = groupAllows(base, g, now, conc, limMax, limDur)
    if ok then
      best, bestGroup = redis.call("ZRANGE", base .. "gw:" .. g, 0, 0)[1], g
      break
    end
    if reset > 0 and (resetAt == 0 or reset < resetAt) then resetAt = reset end
  end
  return best, bestGroup, resetAt
end

-- A picked job started: its group goes to the back of the round and counts the start in its limiter.
local function served(base, group, now, limMax)
  local turn = redis.call("INCR", base .. "gturn")
  if group then
    redis.call("ZADD", base .. "gready", "XX", turn, group)
    if limMax > 0 then redis.call("ZADD", base .. "glim:" .. group, now, now .. ":" .. turn) end
  else
    redis.call("HSET", base .. "meta", "uturn", turn)
  end
end

-- The claim for a queue with no ready group: pops up to `max` ready jobs at once (ZPOPMIN) and activates
-- them together. Returns the claimed records (recordJson) and whether the queue limiter stopped the claim.
local function claimUngrouped(base, now, max, workerId, lockMs, maxStalled, tokenPrefix, limMax, limDur, outbox)
  local n, limited = max, false
  if limMax > 0 then
    redis.call("ZREMRANGEBYSCORE", base .. "limiter", "-inf", now - limDur)
    local room = limMax - redis.call("ZCARD", base .. "limiter")
    if room <= 0 then return {}, true end
    if room < n then n, limited = room, true end
  end
  local popped = redis.call("ZPOPMIN", base .. "wait", n)
  local ids = {}
  for i = 1, #popped, 2 do ids[#ids + 1] = popped[i] end
  if #ids < n then limited = false end
  if #ids == 0 then return {}, limited end
  local expiresAt = {}
  if redis.call("EXISTS", base .. "ttl") == 1 then expiresAt = callChunked("ZMSCORE", base .. "ttl", ids) end
  local live, tokens = {}, {}
  for i, id in ipairs(ids) do
    if expiresAt[i] and tonumber(expiresAt[i]) < now then
      expireJob(base, id, now, "waiting", outbox)
    else
      live[#live + 1] = id
      tokens[#tokens + 1] = tokenPrefix .. i
    end
  end
  local claimed = activateMany(base, live, tokens, now, workerId, lockMs, maxStalled, limMax, outbox, false)
  if #claimed > 0 then served(base, false, now, 0) end
  return claimed, limited
end
