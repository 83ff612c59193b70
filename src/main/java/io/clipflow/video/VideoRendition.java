package io.clipflow.video;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** One rung of a video's HLS ladder as stored. */
@Embeddable
public class VideoRendition {
    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private int width;

    @Column(nullable = false)
    private int height;

    @Column(nullable = false)
    private long bandwidth;

    @Column(name = "playlist_path", nullable = false)
    private String playlistPath;

    @Column(name = "segment_count", nullable = false)
    private int segmentCount;

    protected VideoRendition() {}

    public VideoRendition(String name, int width, int height, long bandwidth, String playlistPath, int segmentCount) {
        this.name = name;
        this.width = width;
        this.height = height;
        this.bandwidth = bandwidth;
        this.playlistPath = playlistPath;
        this.segmentCount = segmentCount;
    }

    public String getName() {
        return name;
    }

    public int getWidth() {
        return width;
    }

    public int getHeight() {
        return height;
    }

    public long getBandwidth() {
        return bandwidth;
    }

    public String getPlaylistPath() {
        return playlistPath;
    }

    public int getSegmentCount() {
        return segmentCount;
    }
}
