-- Removes a queue's pending lists and its delayed members in one step (queue/QueueInspection.purge).
-- KEYS: the queue's lists, then the delayed set. Returns {pending, delayed}.
local pending = 0
for i = 1, #KEYS - 1 do
  pending = pending + redis.call('LLEN', KEYS[i])
  redis.call('DEL', KEYS[i])
end
local delayed = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[#KEYS], 0, -1)) do
  local cut = string.find(member, '\n', 1, true)
  local list = cut and string.sub(member, 1, cut - 1) or ''
  for i = 1, #KEYS - 1 do
    if list == KEYS[i] then
      delayed = delayed + redis.call('ZREM', KEYS[#KEYS], member)
      break
    end
  end
end
return {pending, delayed}
