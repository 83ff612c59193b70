-- Publishes one event to every topic, with its history (notify/EventPublisher.publish).
-- KEYS: key pairs (history, channel). ARGV: cap, ttl (ms), event. Returns the ids.
-- uses: emit
return emit(1, #KEYS, ARGV[1], ARGV[2], ARGV[3])
