package io.clipflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HlsPlaylistsTest {

    @TempDir
    Path hls;

    private final List<Rendition> plan =
            List.of(Rendition.planned("720p", 1280, 720, 2800, 128), Rendition.planned("360p", 640, 360, 800, 96));

    private void write(String relative, String text) throws IOException {
        Path file = hls.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private void writeValidTree() throws IOException {
        write(
                "master.m3u8",
                """
                #EXTM3U
                #EXT-X-VERSION:6
                #EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=1000,BANDWIDTH=3220800,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2"
                720p/index.m3u8

                #EXT-X-STREAM-INF:BANDWIDTH=985600,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"
                360p/index.m3u8
                """);
        for (String name : List.of("720p", "360p")) {
            write(
                    name + "/index.m3u8",
                    """
                    #EXTM3U
                    #EXT-X-TARGETDURATION:1
                    #EXT-X-PLAYLIST-TYPE:VOD
                    #EXTINF:1.000000,
                    seg_00000.ts
                    #EXTINF:1.000000,
                    seg_00001.ts
                    #EXT-X-ENDLIST
                    """);
            write(name + "/seg_00000.ts", "x");
            write(name + "/seg_00001.ts", "x");
        }
    }

    @Test
    void readsBandwidthAndSegmentCounts() throws IOException {
        writeValidTree();

        assertThat(HlsPlaylists.verify(hls, plan))
                .extracting(Rendition::name, Rendition::bandwidth, Rendition::segmentCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("720p", 3220800L, 2),
                        org.assertj.core.groups.Tuple.tuple("360p", 985600L, 2));
    }

    @Test
    void failsWhenASegmentIsMissing() throws IOException {
        writeValidTree();
        Files.delete(hls.resolve("360p/seg_00001.ts"));

        assertThatThrownBy(() -> HlsPlaylists.verify(hls, plan))
                .isInstanceOf(MediaException.class)
                .hasMessage("transcode failed: 360p/index.m3u8 references missing segment seg_00001.ts");
    }

    @Test
    void failsWhenTheMasterMissesARendition() throws IOException {
        writeValidTree();
        write("master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n");

        assertThatThrownBy(() -> HlsPlaylists.verify(hls, plan))
                .isInstanceOf(MediaException.class)
                .hasMessage("transcode failed: master.m3u8 does not list 360p/index.m3u8");
    }

    @Test
    void failsWhenAPlaylistWasCutShort() throws IOException {
        writeValidTree();
        write("720p/index.m3u8", "#EXTM3U\n#EXTINF:1.0,\nseg_00000.ts\n");

        assertThatThrownBy(() -> HlsPlaylists.verify(hls, plan))
                .isInstanceOf(MediaException.class)
                .hasMessageContaining("720p/index.m3u8 is incomplete");
    }

    @Test
    void failsWithoutAMasterPlaylist() {
        assertThatThrownBy(() -> HlsPlaylists.verify(hls, plan))
                .isInstanceOf(MediaException.class)
                .hasMessage("transcode failed: no master.m3u8 was written");
    }
}
