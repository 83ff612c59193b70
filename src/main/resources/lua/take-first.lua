-- Reliable fetch without waiting (queue/ReliableQueue.take).
-- KEYS: the queue's priority lists, the processing list, the revoked set. ARGV: now (ms), result key prefix.
-- uses: take
return take_first(1, #KEYS - 2, KEYS[#KEYS - 1], KEYS[#KEYS], ARGV[1], ARGV[2])
