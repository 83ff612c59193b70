package io.clipflow.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipflow.config.ClipflowProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MediaStoreTest {

    @TempDir
    Path data;

    MediaStore store;

    @BeforeEach
    void store() throws Exception {
        store = new MediaStore(
                new ClipflowProperties(data, "n", new ClipflowProperties.Redis("", "auto", Duration.ofMillis(1))));
        Files.createDirectories(store.hlsDir(7));
        Files.writeString(store.hlsDir(7).resolve("master.m3u8"), "#EXTM3U");
        Files.createDirectories(store.videoDir(8));
        Files.writeString(store.videoDir(8).resolve("x"), "x");
    }

    @Test
    void adoptsAStagedUploadUnderAGeneratedNameKeepingOnlyKnownExtensions() throws Exception {
        Path staged = store.newIncomingFile();
        Files.writeString(staged, "bytes");
        assertThat(store.adopt(staged, 5, "../../etc/passwd")).isEqualTo("5/original.bin");
        Path other = store.newIncomingFile();
        Files.writeString(other, "bytes");
        assertThat(store.adopt(other, 6, "Holiday.MOV")).isEqualTo("6/original.mov");
        assertThat(staged).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "../8/x",
                "hls/../../8/x",
                "/etc/passwd",
                "hls//master.m3u8",
                "./hls/master.m3u8",
                "hls\\master.m3u8",
                "hls/master.m3u8\0.jpg",
                "..",
                "",
                "hls/missing.ts"
            })
    void refusesServingAnythingOutsideTheVideosFolderOrMalformed(String requested) {
        assertThat(store.resolveServable(7, requested)).isEmpty();
    }

    @Test
    void servesAFileInsideTheVideosFolder() {
        assertThat(store.resolveServable(7, "hls/master.m3u8"))
                .contains(store.hlsDir(7).resolve("master.m3u8"));
    }

    @Test
    void refusesStoredPathsThatLeaveTheRoot() {
        assertThatThrownBy(() -> store.resolve("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }
}
