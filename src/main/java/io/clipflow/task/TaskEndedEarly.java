package io.clipflow.task;

/** A task ended without completing its work (revoked, expired): whatever it was for should say so. */
public record TaskEndedEarly(String taskId, String reason) {}
