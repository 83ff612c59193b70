-- Moves one copy of a message out of a processing list to another list's consuming end, or not at all
-- (queue/ReliableQueue.handBack). KEYS: processing list, list. ARGV: message, replacement. Returns 1 when moved.
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  return 1
end
return 0
