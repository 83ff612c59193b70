package io.clipflow.security;

public enum Role {
    USER,
    ADMIN
}
