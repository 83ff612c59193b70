-- Publishes one AI stage event (stage/StageEvents): to Clipflow's topics with their history, and in seed 003's own
-- format on its channel ai_story:project:<pid>:stage:<stage>, in one step so both see the same order.
-- KEYS: key pairs (history, channel), then the seed's channel. ARGV: cap, ttl (ms), event, the seed's event.
-- uses: emit
emit(1, #KEYS - 1, ARGV[1], ARGV[2], ARGV[3])
redis.call('PUBLISH', KEYS[#KEYS], ARGV[4])
return 1
