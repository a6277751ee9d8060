--[[
  lib/keys: where a queue's data lives. Every key of a queue shares the hash tag {prefix:queue}, so a queue
  lives in one cluster slot:
    {prefix:queue}:j:<id>      hash   the job record
    {prefix:queue}:wait        zset   ready jobs, score = priority * 2^42 + seq (priority first, then FIFO)
    {prefix:queue}:delayed     zset   score = runAt
    {prefix:queue}:active      zset   score = lockExpiresAt
    {prefix:queue}:waiting-children, :completed, :failed, :cancelled, :expired   zsets (finish time / seq)
    {prefix:queue}:ttl         zset   ready jobs with a ttl, score = readyAt + ttl
    {prefix:queue}:seq         string the queue's sequence counter
    {prefix:queue}:meta        hash   paused; "uturn", the ungrouped jobs' turn
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
    {prefix:queue}:gturn       string turn counter
    {prefix:queue}:groups      set    every group seen (for obliterate)
  Inputs: `base` = "{prefix:queue}:" (KEYS[1] of every queue script); a prefix and a queue name.
  Outputs: key names only; nothing here calls Redis.
  Invariant: keys.ts builds the same names on the client side (base, marker, logs, delayed, events).
]]

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

-- The set holding jobs of a state ("waiting" jobs live in the priority-ordered "wait" set).
local function setKey(base, state)
  if state == "waiting" then return base .. "wait" end
  return base .. state
end
