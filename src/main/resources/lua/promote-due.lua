-- Moves every due delayed message to the consuming end of its list; each member goes exactly once
-- (queue/ReliableQueue.promoteDue). KEYS: delayed set. ARGV: now (ms), limit. Returns how many were due.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  if redis.call('ZREM', KEYS[1], member) == 1 then
    local cut = string.find(member, '\n', 1, true)
    redis.call('RPUSH', string.sub(member, 1, cut - 1), string.sub(member, cut + 1))
  end
end
return #due
