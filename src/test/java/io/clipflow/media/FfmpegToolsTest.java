package io.clipflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegToolsTest {

    @TempDir
    Path dir;

    private Path file(String relative, boolean executable) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/true\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        return file;
    }

    @Test
    void findsABareNameInTheFirstPathDirectoryWhereItIsExecutable() throws IOException {
        file("a/ffmpeg", false);
        Path executable = file("b/ffmpeg", true);
        file("c/ffmpeg", true);
        String path = dir.resolve("missing") + ":" + dir.resolve("a") + ":" + dir.resolve("b") + ":" + dir.resolve("c");

        assertThat(FfmpegTools.resolve("ffmpeg", "clipflow.media.ffmpeg", path)).isEqualTo(executable.toString());
    }

    @Test
    void acceptsAConfiguredPath() throws IOException {
        Path executable = file("opt/bin/ffprobe", true);

        assertThat(FfmpegTools.resolve(executable.toString(), "clipflow.media.ffprobe", ""))
                .isEqualTo(executable.toString());
    }

    @Test
    void explainsHowToInstallWhenNotFound() {
        assertThatThrownBy(() -> FfmpegTools.resolve("ffmpeg", "clipflow.media.ffmpeg", dir.toString()))
                .isInstanceOf(FfmpegMissingException.class)
                .hasMessageContaining("'ffmpeg' on PATH (" + dir + ")")
                .hasMessageContaining("apt-get install -y ffmpeg")
                .hasMessageContaining("clipflow.media.ffmpeg");
    }

    @Test
    void refusesAConfiguredFileThatIsNotExecutable() throws IOException {
        Path plain = file("ffprobe", false);

        assertThatThrownBy(() -> FfmpegTools.resolve(plain.toString(), "clipflow.media.ffprobe", ""))
                .isInstanceOf(FfmpegMissingException.class)
                .hasMessageContaining("at " + plain)
                .hasMessageContaining("clipflow.media.ffprobe");
    }

    @Test
    void readsTheVersionFromTheFirstLine() {
        assertThat(FfmpegTools.parseVersion(
                        "ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024 the FFmpeg developers"))
                .isEqualTo("5.1.6-0+deb12u1");
        assertThat(FfmpegTools.parseVersion("something else")).isEqualTo("unknown");
    }
}
