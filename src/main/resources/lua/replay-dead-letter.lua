-- Takes a dead letter out and republishes its message, or neither (queue/DeadLetters.replay).
-- KEYS: dead-letter list, list. ARGV: dead letter, message. Returns 1 when replayed.
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[2], ARGV[2])
  return 1
end
return 0
