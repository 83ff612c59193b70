package io.clipflow.config;

import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Connections that a worker thread keeps for its life, for its own round trips to Redis (take, blocking wait, finish;
 * {@code queue.WorkerConnection}). They are Jedis connections to the same Redis as the shared Lettuce connection (same
 * standalone or Sentinel configuration, password, database, TLS and timeout): a Jedis call is written and read by the
 * calling thread itself, while a Lettuce call goes through Netty's event-loop thread both ways. On two busy cores those
 * two extra thread hand-offs per task were the largest cost of a short task (a no-op drain ran ~50% faster without
 * them: README "Performance"). With a Redis Cluster configuration, worker threads use the shared factory instead.
 */
@Component
public class WorkerConnections implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WorkerConnections.class);

    /**
     * Worker threads of every queue on one node, each holding one connection for its life; a connection is opened only
     * when a thread first asks. The node's queues together never run more threads than this.
     */
    public static final int MAX_CONNECTIONS = 1024;

    private final RedisConnectionFactory factory;
    private final JedisConnectionFactory own;

    public WorkerConnections(RedisConnectionFactory shared) {
        this.own = shared instanceof LettuceConnectionFactory lettuce && lettuce.getClusterConfiguration() == null
                ? jedisLike(lettuce)
                : null;
        this.factory = own != null ? own : shared;
    }

    private static JedisConnectionFactory jedisLike(LettuceConnectionFactory lettuce) {
        GenericObjectPoolConfig<redis.clients.jedis.Jedis> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxIdle(MAX_CONNECTIONS);
        pool.setMinIdle(0);
        var lettuceClient = lettuce.getClientConfiguration();
        Duration timeout = lettuceClient.getCommandTimeout();
        JedisClientConfiguration.JedisClientConfigurationBuilder client = JedisClientConfiguration.builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                // Jedis waits on a blocking command (BLMOVE) without a socket timeout by default: a silent network
                // partition would hold an idle worker thread until TCP gives up. The command timeout is longer than a
                // worker's blocking poll (1 s), as with the shared connection.
                .customize(jedis -> jedis.blockingSocketTimeoutMillis((int) timeout.toMillis()));
        lettuceClient.getClientName().ifPresent(client::clientName);
        if (lettuceClient.isUseSsl()) {
            client.useSsl().and();
        }
        JedisClientConfiguration config = client.usePooling().poolConfig(pool).build();
        JedisConnectionFactory jedis = lettuce.getSentinelConfiguration() != null
                ? new JedisConnectionFactory(lettuce.getSentinelConfiguration(), config)
                : new JedisConnectionFactory(lettuce.getStandaloneConfiguration(), config);
        jedis.afterPropertiesSet();
        jedis.start();
        return jedis;
    }

    /** A connection for the calling thread to keep; close it when the thread is done with it. */
    public RedisConnection open() {
        return factory.getConnection();
    }

    @Override
    public void destroy() {
        if (own != null) {
            try {
                own.destroy();
            } catch (RuntimeException e) {
                log.debug("closing worker connections: {}", e.toString());
            }
        }
    }
}
