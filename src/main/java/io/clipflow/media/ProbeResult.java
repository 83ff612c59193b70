package io.clipflow.media;

/**
 * What ffprobe found in an input that is a video.
 *
 * <p>{@code width} and {@code height} are the displayed size: rotation metadata (phone videos) and non-square
 * pixels are already applied, because ffmpeg applies them too before our filters run.
 *
 * @param durationSeconds duration in seconds, always positive
 * @param width displayed width in pixels
 * @param height displayed height in pixels
 * @param videoCodec codec name of the first real video stream, e.g. {@code h264}
 * @param audioCodec codec name of the first audio stream, or {@code null} when there is none
 * @param frameRate average frames per second, 0 when unknown
 * @param bitRate overall bit rate in bits/s, 0 when unknown
 * @param sizeBytes file size in bytes, 0 when unknown
 * @param formatName ffprobe's container name, e.g. {@code mov,mp4,m4a,3gp,3g2,mj2}
 * @param codedWidth width of the decoded picture before rotation and aspect ratio, what decoding costs
 * @param codedHeight height of the decoded picture before rotation
 * @param streamCount number of streams in the container, of any kind
 */
public record ProbeResult(
        double durationSeconds,
        int width,
        int height,
        String videoCodec,
        String audioCodec,
        double frameRate,
        long bitRate,
        long sizeBytes,
        String formatName,
        int codedWidth,
        int codedHeight,
        int streamCount) {

    public boolean hasAudio() {
        return audioCodec != null;
    }
}
