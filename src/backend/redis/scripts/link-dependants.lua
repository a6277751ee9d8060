--[[
  link-dependants: on a Redis Cluster, the dependency side of dependsOn edges from other queues (see
  lib/dependencies), run in the dependencies' queue before the dependants are stored.
  KEYS[1] base   ARGV[1] JSON array of { id, ref?, batch }: job `id` of this queue; `ref` "queue:id" of a job
    that will wait on it (absent: only check that it exists); `batch`: it is stored in the same call, later.
  Returns per entry "" (pending, or no ref) or the outcome of a dependency that has already ended ("met" or
  "fail:<reason>"); or error "INVALID_DEPENDENCY <queue:id>" for a job that is neither stored nor in the batch,
  before anything is written.
]]
-- include: lib/keys.lua
-- include: lib/dependencies.lua
local base = KEYS[1]
local entries = cjson.decode(ARGV[1])
local queue = queueOf(base)
for _, entry in ipairs(entries) do
  if not entry.batch and redis.call("EXISTS", jobKey(base, entry.id)) == 0 then
    return redis.error_reply("INVALID_DEPENDENCY " .. queue .. ":" .. entry.id)
  end
end
local ENDED = {completed = true, failed = true, cancelled = true, expired = true}
local outcomes = {}
for i, entry in ipairs(entries) do
  outcomes[i] = ""
  if entry.ref then
    -- Before the job can end, or it would settle without knowing this dependant.
    redis.call("SADD", base .. "deps:" .. entry.id, entry.ref)
    local fields = redis.call("HMGET", jobKey(base, entry.id), "state", "opts", "failedReason")
    if ENDED[fields[1]] then outcomes[i] = outcomeOf(queue .. ":" .. entry.id, fields) end
  end
end
return outcomes
