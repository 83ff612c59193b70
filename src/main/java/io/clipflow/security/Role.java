package io.clipflow.security;

/** USER: their own things. ADMIN: everything. VIEWER: sees everything an admin sees and changes nothing. */
public enum Role {
    USER,
    ADMIN,
    VIEWER
}
