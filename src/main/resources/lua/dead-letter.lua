-- Dead-letters a message and acks it in one step (queue/DeadLetters.deadLetter).
-- KEYS: processing list, dead-letter list, dead-queues set. ARGV: message, dead letter (JSON), queue.
redis.call('LPUSH', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
redis.call('LREM', KEYS[1], 1, ARGV[1])
return 1
