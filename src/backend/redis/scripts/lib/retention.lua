--[[
  lib/retention: deleting jobs, one at a time or by a finished state's retention policy.
  Inputs: `base`, a job id (deleteJob, dropRecord with its dedupe key), or a state, its policy (true, false, a
    count, or { age, count }) and `now` (applyRetention).
  Outputs: the job hash, its logs, its set and group entries, outbox and ttl entries, and its dedupe key are
    gone; applyRetention returns how many jobs it removed (at most 1000 by age per call).
  Invariant: a dedupe key is freed only while it still points at the deleted job. Dependants are not settled
    here: a caller removing a pending job calls settleDependants itself.
]]
-- include: lib/keys.lua
-- include: lib/transitions.lua

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
  -- Its dependencies' outcomes from other queues (cluster only; see lib/dependencies).
  if CLUSTER then redis.call("DEL", base .. "xdeps:" .. id) end
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
