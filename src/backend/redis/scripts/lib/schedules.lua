--[[
  lib/schedules: a schedule's pending slot job, kept in step with the schedule by the schedule scripts.
  Inputs: `base`, a stored schedule (cjson-decoded; its data and opts are JSON text), `now`, the outbox flag.
  Outputs: the job of the schedule's next run added (delayed until then), or removed while still delayed;
    event "removed" for a dropped slot job.
  Invariant: a slot is one job with id "repeat:<key>:<slot>", as model/slot-id.ts names it; adding it again
    adds nothing.
]]
-- include: lib/keys.lua
-- include: lib/events.lua
-- include: lib/retention.lua
-- include: lib/enqueue.lua

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
