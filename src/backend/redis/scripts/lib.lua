--[[
  Shared functions, prepended to every script at load time (never built from strings at run time).
  Key layout for a queue (all under one hash tag, so a queue lives in one cluster slot):
    {prefix:queue}:j:<id>      hash   the job record
    {prefix:queue}:wait        zset   ready jobs, score = priority * 2^42 + seq (priority first, then FIFO)
    {prefix:queue}:delayed     zset   score = runAt
    {prefix:queue}:active      zset   score = lockExpiresAt
    {prefix:queue}:waiting-children, :completed, :failed, :cancelled, :expired   zsets (finish time / seq)
    {prefix:queue}:meta        hash   paused
    {prefix:queue}:dedupe      hash   dedupe key -> job id
    {prefix:queue}:logs:<id>   list
    {prefix:queue}:deps:<id>   set    "queue:id" of jobs waiting on this job
    {prefix:queue}:limiter     zset   claim times inside the limiter window
    {prefix:queue}:marker      list   wake-ups for blocked fetchers
    {prefix:queue}:outbox      zset   ready jobs to publish (transport mode), score = leased until
    {prefix:queue}:events      stream one entry per script call: field "b", a JSON array of its events
    {prefix:queue}:schedules   hash   schedule key -> schedule JSON (opts as JSON text)
  Fairness groups (jobs with opts.group; the job hash holds "group"):
    {prefix:queue}:gw:<g>      zset   group g's ready jobs (same score as in wait)
    {prefix:queue}:ga:<g>      zset   group g's active jobs
    {prefix:queue}:glim:<g>    zset   group g's limiter window
    {prefix:queue}:gready      zset   groups with ready jobs, score = turn when last served (round-robin)
    {prefix:queue}:gturn       string turn counter; meta "uturn" is the ungrouped jobs' turn
    {prefix:queue}:groups      set    every group seen (for obliterate)
  Grouped jobs sit in wait after every ungrouped one (score + GROUP_OFFSET), so wait's head is the
  ungrouped head whenever there is one.
  Every function takes `base` = "{prefix:queue}:".
]]

local PRIORITY_FACTOR = 4398046511104 -- 2^42: seq stays below it for any realistic queue
local GROUP_OFFSET = 11 * PRIORITY_FACTOR -- past every priority: grouped jobs after ungrouped ones in wait
local GROUP_SCAN = 1000 -- most groups one pick looks at
local MAX_STACKTRACES = 10
local EVENTS_MAXLEN = 2000 -- entries, each holding one script call's events
local MARKER_CAP = 64

local function queueOf(base)
  return string.match(base, "^{[^:]*:(.*)}:$")
end

local function prefixOf(base)
  return string.match(base, "^{([^:]*):")
end

local function baseFor(prefix, queue)
  return "{" .. prefix .. ":" .. queue .. "}:"
end

local function jobKey(base, id)
  return base .. "j:" .. id
end

-- Events are collected per queue during a script and written by flushEvents (appended to every script by the
-- script runner) as one stream entry per queue, field "b" = JSON array of events. One XADD per script call
-- instead of one per event: events were a third of the Redis backend's server time.
local eventBatches, eventQueues = {}, {}

local function emit(base, now, event, id, name, fields)
  local e = {e = event, ts = now}
  if id then e.j = id end
  if name then e.n = name end
  if fields then
    for k, v in pairs(fields) do e[k] = v end
  end
  local batch = eventBatches[base]
  if not batch then
    batch = {}
    eventBatches[base] = batch
    eventQueues[#eventQueues + 1] = base
  end
  batch[#batch + 1] = e
end

-- Due notices: a delayed job that became the earliest of its queue is announced on "<prefix>:due" as
-- "<queue>\n<dueAt>", once per queue per script call, so every process's idle fetchers re-arm their wait on
-- it (a marker would wake only one fetcher). Published by flushEvents, after the script's writes.
local dueAt, dueQueues = {}, {}

local function noteDue(base, at)
  local known = dueAt[base]
  if known == nil then
    dueQueues[#dueQueues + 1] = base
  elseif known <= at then
    return
  end
  dueAt[base] = at
end

-- What a store tells its transport (outbox mode), returned beside every script's result by the script runner:
-- the queues whose outbox got entries, and the jobs that ended failed or expired for good (queue, id, reason).
local outboxFilled, outboxFilledSeen, deadLetters = {}, {}, {}

local function noteOutbox(base)
  if outboxFilledSeen[base] then return end
  outboxFilledSeen[base] = true
  outboxFilled[#outboxFilled + 1] = queueOf(base)
end

local function noteDeadLetter(base, id, reason, outbox)
  if outbox ~= "1" then return end
  deadLetters[#deadLetters + 1] = queueOf(base)
  deadLetters[#deadLetters + 1] = id
  deadLetters[#deadLetters + 1] = reason
end

local function flushEvents()
  for _, base in ipairs(eventQueues) do
    redis.call("XADD", base .. "events", "MAXLEN", "~", EVENTS_MAXLEN, "*", "b", cjson.encode(eventBatches[base]))
  end
  for _, base in ipairs(dueQueues) do
    redis.call("PUBLISH", prefixOf(base) .. ":due", queueOf(base) .. "\n" .. dueAt[base])
  end
end

-- The set holding jobs of a state ("waiting" jobs live in the priority-ordered "wait" set).
local function setKey(base, state)
  if state == "waiting" then return base .. "wait" end
  return base .. state
end

local function wake(base)
  if redis.call("LLEN", base .. "marker") < MARKER_CAP then
    redis.call("RPUSH", base .. "marker", "1")
  end
end

-- A grouped job leaves `state`: its group's ready or active set forgets it. Freeing an active slot wakes
-- fetchers when the group still has ready jobs (they may have been held back by the group's concurrency).
local function groupLeave(base, id, g, state)
  if state == "waiting" then
    redis.call("ZREM", base .. "gw:" .. g, id)
    if redis.call("ZCARD", base .. "gw:" .. g) == 0 then redis.call("ZREM", base .. "gready", g) end
  elseif state == "active" then
    redis.call("ZREM", base .. "ga:" .. g, id)
    if redis.call("ZCARD", base .. "gw:" .. g) > 0 then wake(base) end
  end
end

local function groupEnter(base, id, g, state, score)
  if state == "waiting" then
    redis.call("ZADD", base .. "gw:" .. g, score, id)
    redis.call("ZADD", base .. "gready", "NX", tonumber(redis.call("GET", base .. "gturn") or 0), g)
  elseif state == "active" then
    redis.call("ZADD", base .. "ga:" .. g, score, id)
  end
end

-- Moves a job between state sets; `score` orders it in the new set. `group` is the job's fairness group when
-- the caller already read it (false: none); nil looks it up, only for moves that touch waiting or active.
local function setState(base, id, from, to, score, group)
  if from and from ~= "" then
    redis.call("ZREM", setKey(base, from), id)
  end
  redis.call("ZADD", setKey(base, to), score, id)
  redis.call("HSET", jobKey(base, id), "state", to)
  if to == "delayed" and redis.call("ZRANGE", base .. "delayed", 0, 0)[1] == id then noteDue(base, score) end
  if from == "waiting" or from == "active" or to == "waiting" or to == "active" then
    local g = group
    if g == nil then g = redis.call("HGET", jobKey(base, id), "group") end
    if g then
      if from and from ~= "" and from ~= to then groupLeave(base, id, g, from) end
      groupEnter(base, id, g, to, score)
    end
  end
end

-- The wait-set score of a ready job: priority, then FIFO; grouped jobs after all ungrouped ones.
local function waitScore(priority, seq, grouped)
  local score = tonumber(priority) * PRIORITY_FACTOR + tonumber(seq)
  if grouped then score = score + GROUP_OFFSET end
  return score
end

-- Makes a job ready: wait set (priority, seq), outbox when a transport delivers, wake fetchers, event.
local function toWaiting(base, id, from, now, outbox)
  local key = jobKey(base, id)
  local fields = redis.call("HMGET", key, "priority", "seq", "name", "opts", "group")
  local score = waitScore(fields[1], fields[2], fields[5])
  setState(base, id, from, "waiting", score, fields[5] or false)
  redis.call("HSET", key, "readyAt", now)
  local ttl = cjson.decode(fields[4])["ttl"]
  if ttl then redis.call("ZADD", base .. "ttl", now + ttl, id) end
  if outbox == "1" then
    redis.call("ZADD", base .. "outbox", 0, id)
    noteOutbox(base)
  end
  wake(base)
  emit(base, now, "waiting", id, fields[3], {p = from})
end

local function clearLock(key)
  redis.call("HDEL", key, "lockToken", "lockExpiresAt")
end

-- Deletes a job's hash and logs and frees its dedupe key, once the caller has taken it out of every set.
local function dropRecord(base, id, dedupeKey)
  if dedupeKey and redis.call("HGET", base .. "dedupe", dedupeKey) == id then
    redis.call("HDEL", base .. "dedupe", dedupeKey)
  end
  redis.call("DEL", jobKey(base, id), base .. "logs:" .. id)
end

-- Deletes a job and everything pointing at it.
local function deleteJob(base, id)
  local fields = redis.call("HMGET", jobKey(base, id), "state", "dedupeKey", "group")
  if fields[1] then
    redis.call("ZREM", setKey(base, fields[1]), id)
    if fields[3] then groupLeave(base, id, fields[3], fields[1]) end
  end
  redis.call("ZREM", base .. "outbox", id)
  redis.call("ZREM", base .. "ttl", id)
  dropRecord(base, id, fields[2])
end

-- Applies a finished job's retention policy: true removes that job (`id`) and no other; a count keeps the newest
-- N of the state, an age drops those finished longer ago (both trim the queue's whole set).
local function applyRetention(base, state, policy, now, id)
  if policy == nil or policy == false then return 0 end
  if policy == true then
    if id and redis.call("HGET", jobKey(base, id), "state") == state then
      deleteJob(base, id)
      return 1
    end
    return 0
  end
  local keep, maxAge
  if type(policy) == "number" then
    keep = policy
  else
    keep = policy["count"]
    maxAge = policy["age"]
  end
  local removed = 0
  local set = base .. state
  if maxAge then
    local old = redis.call("ZRANGEBYSCORE", set, "-inf", "(" .. (now - maxAge), "LIMIT", 0, 1000)
    for _, id in ipairs(old) do
      deleteJob(base, id); removed = removed + 1
    end
  end
  if keep then
    local excess = redis.call("ZCARD", set) - keep
    if excess > 0 then
      local ids = redis.call("ZRANGE", set, 0, excess - 1)
      for _, id in ipairs(ids) do
        deleteJob(base, id); removed = removed + 1
      end
    end
  end
  return removed
end

local settleDependants
local enqueueRecords

-- Ends a job failed for good (no retry).
local function failJob(base, id, reason, now, from, outbox)
  local key = jobKey(base, id)
  local fields = redis.call("HMGET", key, "name", "attemptsMade", "opts")
  setState(base, id, from, "failed", now)
  clearLock(key)
  redis.call("HSET", key, "failedReason", reason, "finishedAt", now)
  emit(base, now, "failed", id, fields[1], {p = from, r = reason, a = fields[2]})
  noteDeadLetter(base, id, reason, outbox)
  settleDependants(base, id, now, outbox)
  local opts = cjson.decode(fields[3])
  applyRetention(base, "failed", opts["removeOnFail"], now, id)
end

local function expireJob(base, id, now, from, outbox)
  local key = jobKey(base, id)
  local fields = redis.call("HMGET", key, "name", "opts")
  local opts = cjson.decode(fields[2])
  local reason = "expired: not started within ttl of " .. tostring(opts["ttl"]) .. " ms"
  setState(base, id, from, "expired", now)
  redis.call("HSET", key, "failedReason", reason, "finishedAt", now)
  emit(base, now, "expired", id, fields[1], {p = from, r = reason})
  noteDeadLetter(base, id, reason, outbox)
  settleDependants(base, id, now, outbox)
  return reason
end

-- Whether every dependency is completed, or failed with failParentOnFailure off. A missing one counts as met
-- only when `missingMet` (it was removed after the dependant was added); at enqueue it is a later record.
local function depsMet(prefix, opts, missingMet)
  for _, ref in ipairs(opts["dependsOn"]) do
    local colon = string.find(ref, ":", 1, true)
    local depBase = baseFor(prefix, string.sub(ref, 1, colon - 1))
    local fields = redis.call("HMGET", jobKey(depBase, string.sub(ref, colon + 1)), "state", "opts")
    local state = fields[1]
    if not state then
      if not missingMet then return false end
    elseif state ~= "completed" then
      local failedEnd = state == "failed" or state == "cancelled" or state == "expired"
      if not failedEnd then return false end
      if cjson.decode(fields[2])["failParentOnFailure"] then return false end
    end
  end
  return true
end

-- Why a job can never run: a dependency already ended failed, cancelled or expired and fails its dependants
-- (nil when none did).
local function failedDependency(prefix, opts)
  for _, ref in ipairs(opts["dependsOn"]) do
    local colon = string.find(ref, ":", 1, true)
    local depBase = baseFor(prefix, string.sub(ref, 1, colon - 1))
    local fields = redis.call("HMGET", jobKey(depBase, string.sub(ref, colon + 1)), "state", "opts", "failedReason")
    local state = fields[1]
    if (state == "failed" or state == "cancelled" or state == "expired")
      and cjson.decode(fields[2])["failParentOnFailure"] then
      return "dependency " .. ref .. " " .. state .. ": " .. (fields[3] or state)
    end
  end
  return nil
end

-- A job whose dependencies are met: ready now, or delayed until its own run time.
local function releaseJob(base, id, from, now, outbox)
  local runAt = tonumber(redis.call("HGET", jobKey(base, id), "runAt"))
  if runAt and runAt > now then
    setState(base, id, from, "delayed", runAt)
    emit(base, now, "delayed", id, redis.call("HGET", jobKey(base, id), "name"), {p = from, t = runAt})
  else
    toWaiting(base, id, from, now, outbox)
  end
end

-- A job ended: release or fail the jobs waiting on it (possibly in other queues of the same prefix).
settleDependants = function(base, id, now, outbox)
  local depsKey = base .. "deps:" .. id
  local refs = redis.call("SMEMBERS", depsKey)
  if #refs == 0 then return end
  redis.call("DEL", depsKey)
  local prefix = prefixOf(base)
  local fields = redis.call("HMGET", jobKey(base, id), "state", "opts", "failedReason")
  local failedEnd = fields[1] == "failed" or fields[1] == "cancelled" or fields[1] == "expired"
  local failParent = failedEnd and cjson.decode(fields[2])["failParentOnFailure"]
  for _, ref in ipairs(refs) do
    local colon = string.find(ref, ":", 1, true)
    local depBase = baseFor(prefix, string.sub(ref, 1, colon - 1))
    local depId = string.sub(ref, colon + 1)
    local depFields = redis.call("HMGET", jobKey(depBase, depId), "state", "opts")
    if depFields[1] == "waiting-children" then
      if failParent then
        local reason = "dependency " .. queueOf(base) .. ":" .. id .. " " .. fields[1] .. ": " .. (fields[3] or fields[1])
        failJob(depBase, depId, reason, now, "waiting-children", outbox)
      elseif depsMet(prefix, cjson.decode(depFields[2]), true) then
        releaseJob(depBase, depId, "waiting-children", now, outbox)
      end
    end
  end
end

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

-- A job hash as one JSON object string: the client decodes one string per claimed job instead of forty
-- reply items (reply decoding was a third of a worker's CPU).
local function recordJson(key)
  local flat = redis.call("HGETALL", key)
  local record = {}
  for i = 1, #flat, 2 do record[flat[i]] = flat[i + 1] end
  return cjson.encode(record), record
end

-- Runs a variadic command over `list` in chunks, so a long list never overflows Lua's stack with unpack.
local function callChunked(command, key, list)
  local results = {}
  for i = 1, #list, 1000 do
    local reply = redis.call(command, key, unpack(list, i, math.min(i + 999, #list)))
    if type(reply) == "table" then
      for _, item in ipairs(reply) do results[#results + 1] = item end
    end
  end
  return results
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
    emit(base, now, "active", id, record.name, {p = "waiting", w = workerId})
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

-- Promotes due delayed jobs (at most `limit`); returns how many.
local function promoteDue(base, now, limit, outbox)
  local due = redis.call("ZRANGEBYSCORE", base .. "delayed", "-inf", now, "LIMIT", 0, limit)
  for _, id in ipairs(due) do
    toWaiting(base, id, "delayed", now, outbox)
  end
  return #due
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

local function nextDueAt(base)
  local head = redis.call("ZRANGE", base .. "delayed", 0, 0, "WITHSCORES")
  if head[2] then return tonumber(head[2]) end
  return 0
end

local TERMINAL = {completed = true, failed = true, cancelled = true, expired = true}

-- Stores records (each names its queue), all or none. Returns per record {1, entry state, readyAt or ""} for a
-- new job (the caller knows the rest of it), {2, HGETALL} for a new job that failed at once (a dependency had
-- already failed for good), or {0, HGETALL} for an existing one; or nil and the first dependency
-- that does not exist (checked before anything is written). A record whose id exists in its queue, or whose
-- dedupe key is held by a pending job (or within its ttl), returns that job and adds nothing.
enqueueRecords = function(prefix, now, outbox, records)
  -- opts arrive as JSON text: stored verbatim, because cjson would turn an empty array into an object.
  for _, record in ipairs(records) do
    record.optsJson = record.opts
    record.opts = cjson.decode(record.opts)
    record.base = baseFor(prefix, record.queue)
  end

  -- Phase 1: decide, write nothing. Batch keys are "queue:id" and "queue\0dedupe".
  local existing, batchIds, batchDedupe = {}, {}, {}
  for i, record in ipairs(records) do
    local base = record.base
    local ref = record.queue .. ":" .. record.id
    local found = batchIds[ref]
    if not found and redis.call("EXISTS", jobKey(base, record.id)) == 1 then found = record.id end
    local dedupe = record.opts.dedupe
    if not found and dedupe then
      found = batchDedupe[record.queue .. "\0" .. dedupe.key]
      if not found then
        local holder = redis.call("HGET", base .. "dedupe", dedupe.key)
        if holder then
          local f = redis.call("HMGET", jobKey(base, holder), "state", "createdAt")
          if f[1] and (not TERMINAL[f[1]] or (dedupe.ttl and now - tonumber(f[2]) < dedupe.ttl)) then
            found = holder
          end
        end
      end
    end
    if found then
      existing[i] = found
    else
      batchIds[ref] = record.id
      if dedupe then batchDedupe[record.queue .. "\0" .. dedupe.key] = record.id end
    end
  end
  for i, record in ipairs(records) do
    if not existing[i] then
      for _, ref in ipairs(record.opts.dependsOn) do
        local colon = string.find(ref, ":", 1, true)
        local depBase = baseFor(prefix, string.sub(ref, 1, colon - 1))
        if not batchIds[ref] and redis.call("EXISTS", jobKey(depBase, string.sub(ref, colon + 1))) == 0 then
          return nil, ref
        end
      end
    end
  end

  -- Phase 2: write.
  local results = {}
  for i, record in ipairs(records) do
    local base = record.base
    if existing[i] then
      results[i] = {0, redis.call("HGETALL", jobKey(base, existing[i]))}
    else
      local id, opts = record.id, record.opts
      local key = jobKey(base, id)
      local seq = redis.call("INCR", base .. "seq")
      redis.call("HSET", key, "id", id, "queue", record.queue, "name", record.name, "data", record.data,
        "opts", record.optsJson, "createdAt", record.createdAt, "runAt", record.runAt, "attemptsMade", 0,
        "stalledCount", 0, "stacktrace", "[]", "cancelRequested", "0", "seq", seq, "priority", opts.priority,
        "maxStalled", 1)
      if opts.dedupe then
        redis.call("HSET", key, "dedupeKey", opts.dedupe.key)
        redis.call("HSET", base .. "dedupe", opts.dedupe.key, id)
      end
      if opts.group then
        redis.call("HSET", key, "group", opts.group)
        redis.call("SADD", base .. "groups", opts.group)
      end
      for _, ref in ipairs(opts.dependsOn) do
        local colon = string.find(ref, ":", 1, true)
        local depBase = baseFor(prefix, string.sub(ref, 1, colon - 1))
        redis.call("SADD", depBase .. "deps:" .. string.sub(ref, colon + 1), record.queue .. ":" .. id)
      end
      emit(base, now, "added", id, record.name, nil)
      -- Dependencies come first: a delayed job with unmet ones waits for them, then for its time.
      if #opts.dependsOn > 0 and not depsMet(prefix, opts, false) then
        setState(base, id, nil, "waiting-children", seq)
        emit(base, now, "waiting-children", id, record.name, nil)
        results[i] = {1, "waiting-children", ""}
        -- A dependency that already failed for good means this job can never run: it fails now, not never.
        local failed = failedDependency(prefix, opts)
        if failed then
          failJob(base, id, failed, now, "waiting-children", outbox)
          results[i] = {2, redis.call("HGETALL", key)}
        end
      elseif record.runAt > now then
        setState(base, id, nil, "delayed", record.runAt)
        emit(base, now, "delayed", id, record.name, {t = record.runAt})
        results[i] = {1, "delayed", ""}
      else
        setState(base, id, nil, "waiting", waitScore(opts.priority, seq, opts.group), opts.group or false)
        redis.call("HSET", key, "readyAt", now)
        if opts.ttl then redis.call("ZADD", base .. "ttl", now + opts.ttl, id) end
        if outbox == "1" then
          redis.call("ZADD", base .. "outbox", 0, id)
          noteOutbox(base)
        end
        wake(base)
        emit(base, now, "waiting", id, record.name, nil)
        results[i] = {1, "waiting", now}
      end
    end
  end
  return results
end

-- Schedules: a slot is one delayed job due at the slot, id "repeat:<key>:<slot>" (as model/slot-id.ts names
-- it). `schedule` is a stored schedule (cjson-decoded; its data and opts are JSON text).
local function slotJobId(key, slot)
  return "repeat:" .. key .. ":" .. string.format("%.0f", slot)
end

-- Adds the job of the schedule's next run (an existing id adds nothing), unless it is paused or ended.
local function addSlotJob(base, schedule, now, outbox)
  if schedule.paused or schedule.nextRunAt == nil then return end
  enqueueRecords(prefixOf(base), now, outbox, {{
    queue = queueOf(base), id = slotJobId(schedule.key, schedule.nextRunAt), name = schedule.name,
    data = schedule.data, opts = schedule.opts, createdAt = now, runAt = schedule.nextRunAt,
  }})
end

-- Removes the job of the schedule's next run while it is still delayed (its slot has not come).
local function dropDelayedSlot(base, schedule, now)
  if schedule.nextRunAt == nil then return end
  local id = slotJobId(schedule.key, schedule.nextRunAt)
  local f = redis.call("HMGET", jobKey(base, id), "state", "name")
  if f[1] == "delayed" then
    deleteJob(base, id)
    emit(base, now, "removed", id, f[2], {p = "delayed"})
  end
end
