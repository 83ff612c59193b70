package io.clipflow.lock;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param lease how long a lock outlives a holder that stopped renewing it (crash, network split); renewed every third
 */
@ConfigurationProperties("clipflow.lock")
record LockProperties(@DefaultValue("30s") Duration lease) {}
