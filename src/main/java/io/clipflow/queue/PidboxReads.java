package io.clipflow.queue;

import io.clipflow.config.RedisKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations;
import org.springframework.stereotype.Component;

/**
 * The Redis reads behind remote-control answers about work that is not running: messages this node took and has not
 * started ({@code inspect reserved}), ETA and retry messages waiting in {@code clipflow:delayed}
 * ({@code inspect scheduled}) and remembered revocations ({@code inspect revoked}). Read only.
 */
@Component
class PidboxReads {

    /** A message waiting in {@code clipflow:delayed}: the list it goes to when due, its text, and when. */
    record Delayed(String listKey, String raw, Instant due) {}

    /** A revoked task id and when its revocation is forgotten. */
    record Revocation(String taskId, Instant until) {}

    private final StringRedisTemplate redis;
    private final RedisKeys keys;

    PidboxReads(StringRedisTemplate redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The messages in {@code node}'s processing list, oldest first. */
    List<String> processing(String node) {
        List<String> items = redis.opsForList().range(keys.processing(node), 0, -1);
        if (items == null) {
            return List.of();
        }
        List<String> oldestFirst = new ArrayList<>(items);
        Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    /** The first {@code limit} delayed messages, soonest due first. */
    List<Delayed> delayed(int limit) {
        Set<ZSetOperations.TypedTuple<String>> members =
                redis.opsForZSet().rangeWithScores(keys.delayed(), 0, limit - 1L);
        List<Delayed> out = new ArrayList<>();
        if (members == null) {
            return out;
        }
        for (ZSetOperations.TypedTuple<String> member : members) {
            String value = member.getValue();
            int cut = value == null ? -1 : value.indexOf('\n');
            if (cut < 0 || member.getScore() == null) {
                continue;
            }
            out.add(new Delayed(
                    value.substring(0, cut),
                    value.substring(cut + 1),
                    Instant.ofEpochMilli(member.getScore().longValue())));
        }
        return out;
    }

    /** Revocations still in force at {@code now}, at most {@code limit}. */
    List<Revocation> revoked(Instant now, int limit) {
        Set<ZSetOperations.TypedTuple<String>> members = redis.opsForZSet()
                .rangeByScoreWithScores(keys.revoked(), now.toEpochMilli(), Double.POSITIVE_INFINITY, 0, limit);
        List<Revocation> out = new ArrayList<>();
        if (members != null) {
            for (ZSetOperations.TypedTuple<String> member : members) {
                if (member.getValue() != null && member.getScore() != null) {
                    out.add(new Revocation(
                            member.getValue(),
                            Instant.ofEpochMilli(member.getScore().longValue())));
                }
            }
        }
        return out;
    }
}
