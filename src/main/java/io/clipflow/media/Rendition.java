package io.clipflow.media;

/**
 * One HLS variant.
 *
 * @param name variant name and directory, e.g. {@code 720p}
 * @param width output width in pixels (even)
 * @param height output height in pixels (even)
 * @param videoBitrateKbps target video bitrate in kbit/s
 * @param audioBitrateKbps AAC bitrate in kbit/s, 0 when the source has no audio
 * @param bandwidth peak bits/s as written in the master playlist; 0 until transcoded
 * @param playlist media playlist relative to the HLS directory, e.g. {@code 720p/index.m3u8}
 * @param segmentCount number of media segments; 0 until transcoded
 */
public record Rendition(
        String name,
        int width,
        int height,
        int videoBitrateKbps,
        int audioBitrateKbps,
        long bandwidth,
        String playlist,
        int segmentCount) {

    static Rendition planned(String name, int width, int height, int videoBitrateKbps, int audioBitrateKbps) {
        return new Rendition(name, width, height, videoBitrateKbps, audioBitrateKbps, 0, name + "/index.m3u8", 0);
    }

    Rendition withOutput(long bandwidth, int segmentCount) {
        return new Rendition(
                name, width, height, videoBitrateKbps, audioBitrateKbps, bandwidth, playlist, segmentCount);
    }
}
