-- Take functions (queue/ReliableQueue).
-- status_of(revoked, now, prefix, id): 1 when the task is revoked (in the `revoked` zset until after `now` ms), 2 when
-- its result (key prefix .. id) is already SUCCESS, else 0.
-- take_first(first, last, dest, revoked, now, prefix): a non-blocking pass over KEYS[first..last] (kombu's priority
-- order) that LMOVEs the first message found into `dest` (the processing list) and returns {message, task id ('' when
-- it has none), status}; {} when every list is empty (never nil: a reply read as a list must be a list).
-- uses: result, task-id
local function status_of(revoked, now, prefix, id)
  local until_ms = redis.call('ZSCORE', revoked, id)
  if until_ms and tonumber(until_ms) > tonumber(now) then return 1 end
  if succeeded(prefix .. id) then return 2 end
  return 0
end
local function take_first(first, last, dest, revoked, now, prefix)
  for i = first, last do
    local v = redis.call('LMOVE', KEYS[i], dest, 'RIGHT', 'LEFT')
    if v then
      local id = task_id(v)
      if id then return {v, id, status_of(revoked, now, prefix, id)} end
      return {v, '', 0}
    end
  end
  return {}
end
