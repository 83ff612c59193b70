package io.clipflow.ops;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Operations settings.
 *
 * @param mediaDiskMinFree the mediaDisk health indicator is DOWN when the media root's file system has less free
 */
@ConfigurationProperties("clipflow.ops")
public record OpsProperties(@DefaultValue("1GB") DataSize mediaDiskMinFree) {}
