-- Parks a message in the delayed set and acks it, in one step (queue/ReliableQueue.delay).
-- KEYS: processing list, delayed set. ARGV: message, due (ms), member ('<list key>\n<message>'). Returns 1 when moved.
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0
