package io.clipflow.video;

import java.nio.file.Path;

/**
 * An upload staged in the media store, handed by the upload controller to route video-upload.
 *
 * @param displayName the client's file name, sanitized, for display only; never used as a path
 */
public record UploadedFile(Path staged, String displayName, long sizeBytes, String title, long ownerId) {}
