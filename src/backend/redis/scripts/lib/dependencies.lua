--[[
  lib/dependencies: jobs that wait on other jobs (opts.dependsOn, "queue:id" refs of the same prefix), and the
  endings that release or fail them. failJob and expireJob live here because ending a job settles its
  dependants, and failing a dependant ends it in turn.
  Inputs: `base`, the job id, `now`, the outbox flag; a prefix and decoded opts (depsMet, failedDependency).
  Outputs: failed/expired jobs with failedReason and finishedAt, events "failed"/"expired", dead letters, and
    their dependants released (waiting, or delayed until their own runAt) or failed in turn.
  Invariants: a dependency counts as met when completed, or failed/cancelled/expired without
    failParentOnFailure; a missing one counts as met only after the dependant was added (it was removed).
  On a Redis Cluster (CLUSTER, set by the script runner) a script touches its own queue's slot only, so an edge
  between two queues is kept on both sides: the dependency's "deps:<id>" set names the dependant (written by
  link-dependants before the dependant is stored), and the dependant's "xdeps:<id>" hash holds each ended
  dependency's outcome, "met" or "fail:<reason>" (written by settle-cross, or at enqueue for one that had
  already ended). A dependency ending here records the outcome in this queue's "xsettle" set first; the client
  then runs settle-cross in the dependant's queue and removes the entry, and maintenance runs again any entry
  left behind by a process that died in between (settling twice changes nothing).
]]
-- include: lib/keys.lua
-- include: lib/events.lua
-- include: lib/transitions.lua
-- include: lib/retention.lua

local settleDependants

-- How long a cross-queue outcome waits for a dependant that was never stored (an enqueue that died halfway).
local ORPHAN_OUTCOME_TTL_S = 7 * 24 * 3600

-- Whether an edge from a job of `base` to one of `otherBase` crosses queues on a cluster (kept on both sides).
local function crossQueue(base, otherBase)
  return CLUSTER and otherBase ~= base
end

-- What a dependant of `base` knows of its dependency `ref` in another queue: nil while it has not ended.
local function crossOutcome(base, id, ref)
  return redis.call("HGET", base .. "xdeps:" .. id, ref)
end

-- Ends a job failed for good (no retry).
local function failJob(base, id, reason, now, from, outbox)
  local key = jobKey(base, id)
  local fields = redis.call("HMGET", key, "name", "attemptsMade", "opts", "processedAt")
  setState(base, id, from, "failed", now)
  clearLock(key)
  redis.call("HSET", key, "failedReason", reason, "finishedAt", now)
  -- A try that ended here carries its start, for its run time.
  local started = from == "active" and tonumber(fields[4]) or nil
  emit(base, now, "failed", id, fields[1], {p = from, r = reason, a = fields[2], s = started})
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
local function depsMet(prefix, opts, missingMet, base, id)
  for _, ref in ipairs(opts["dependsOn"]) do
    local colon = string.find(ref, ":", 1, true)
    local depBase = baseFor(prefix, string.sub(ref, 1, colon - 1))
    if crossQueue(base, depBase) then
      if crossOutcome(base, id, ref) ~= "met" then return false end
    else
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
  end
  return true
end

-- Why a job can never run: a dependency already ended failed, cancelled or expired and fails its dependants
-- (nil when none did).
local function failedDependency(prefix, opts, base, id)
  for _, ref in ipairs(opts["dependsOn"]) do
    local colon = string.find(ref, ":", 1, true)
    local depBase = baseFor(prefix, string.sub(ref, 1, colon - 1))
    if crossQueue(base, depBase) then
      local outcome = crossOutcome(base, id, ref)
      if outcome and string.sub(outcome, 1, 5) == "fail:" then return string.sub(outcome, 6) end
    else
      local fields = redis.call("HMGET", jobKey(depBase, string.sub(ref, colon + 1)), "state", "opts", "failedReason")
      local state = fields[1]
      if (state == "failed" or state == "cancelled" or state == "expired")
        and cjson.decode(fields[2])["failParentOnFailure"] then
        return "dependency " .. ref .. " " .. state .. ": " .. (fields[3] or state)
      end
    end
  end
  return nil
end

-- A dependency that ended (state, opts, failedReason as stored; no state: removed) as its dependants see it.
local function outcomeOf(ref, fields)
  local state = fields[1]
  if (state == "failed" or state == "cancelled" or state == "expired")
    and cjson.decode(fields[2])["failParentOnFailure"] then
    return "fail:dependency " .. ref .. " " .. state .. ": " .. (fields[3] or state)
  end
  return "met"
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

-- A dependant in the same slot as its ended dependency `base`:`id` (fields: its state, opts, failedReason).
local function settleHere(depBase, depId, failParent, fields, base, id, prefix, now, outbox)
  local depFields = redis.call("HMGET", jobKey(depBase, depId), "state", "opts")
  if depFields[1] == "waiting-children" then
    if failParent then
      local reason = "dependency " .. queueOf(base) .. ":" .. id .. " " .. fields[1] .. ": " .. (fields[3] or fields[1])
      failJob(depBase, depId, reason, now, "waiting-children", outbox)
    elseif depsMet(prefix, cjson.decode(depFields[2]), true, depBase, depId) then
      releaseJob(depBase, depId, "waiting-children", now, outbox)
    end
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
    if crossQueue(base, depBase) then
      -- Recorded here first, so that it survives this process; the client settles it over there.
      local entry = string.sub(ref, 1, colon - 1) .. "\n" .. depId .. "\n" .. queueOf(base) .. ":" .. id .. "\n"
        .. outcomeOf(queueOf(base) .. ":" .. id, fields)
      redis.call("ZADD", base .. "xsettle", now, entry)
      crossSettled[#crossSettled + 1] = entry
    else
      settleHere(depBase, depId, failParent, fields, base, id, prefix, now, outbox)
    end
  end
end

-- Settles a dependant whose dependency in another queue ended (cluster): settle-cross, in the dependant's queue.
local function settleFromAcross(base, id, ref, outcome, now, outbox)
  local xdeps = base .. "xdeps:" .. id
  redis.call("HSET", xdeps, ref, outcome)
  local fields = redis.call("HMGET", jobKey(base, id), "state", "opts")
  if not fields[1] then
    -- Not stored (yet, or ever: its enqueue may have died after linking): kept for it a week, then dropped.
    redis.call("EXPIRE", xdeps, ORPHAN_OUTCOME_TTL_S)
  elseif fields[1] == "waiting-children" then
    if string.sub(outcome, 1, 5) == "fail:" then
      failJob(base, id, string.sub(outcome, 6), now, "waiting-children", outbox)
    elseif depsMet(prefixOf(base), cjson.decode(fields[2]), true, base, id) then
      releaseJob(base, id, "waiting-children", now, outbox)
    end
  end
end
