package io.clipflow.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxJsonSize largest request body the API accepts outside uploads (JSON); larger is 400, whether declared in
 *     Content-Length or discovered while reading a chunked body
 */
@ConfigurationProperties("clipflow.api")
record ApiProperties(@DefaultValue("64KB") DataSize maxJsonSize) {}
