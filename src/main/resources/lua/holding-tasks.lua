-- Which of the task ids have a message in the lists or the delayed set, in one pass (queue/QueueInspection.holdingTasks,
-- for the outbox scan). KEYS: lists (the queue's, processing lists), then the delayed set. ARGV: task ids.
-- Returns the ids found.
-- uses: task-id
local wanted = {}
for _, id in ipairs(ARGV) do wanted[id] = true end
local found = {}
local function check(v)
  local id = task_id(v)
  if id and wanted[id] then
    wanted[id] = nil
    found[#found + 1] = id
  end
end
for i = 1, #KEYS - 1 do
  for _, v in ipairs(redis.call('LRANGE', KEYS[i], 0, -1)) do check(v) end
end
for _, v in ipairs(redis.call('ZRANGE', KEYS[#KEYS], 0, -1)) do check(v) end
return found
