package io.clipflow.media;

import java.nio.file.Path;
import java.util.List;

/**
 * A verified HLS transcode.
 *
 * @param masterPlaylist {@code <hlsDir>/master.m3u8}
 * @param renditions high to low, with bandwidth and segment counts read from the written playlists
 */
public record HlsOutput(Path masterPlaylist, List<Rendition> renditions) {

    public HlsOutput {
        renditions = List.copyOf(renditions);
    }
}
