package io.clipflow.upload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UploadControllerTest {

    @Test
    void displayNameKeepsTheLastSegmentWithoutControlOrFormatCharacters() {
        assertThat(UploadController.displayName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(UploadController.displayName("C:\\Users\\me\\clip.mp4")).isEqualTo("clip.mp4");
        assertThat(UploadController.displayName("a\0b\nc.mp4")).isEqualTo("abc.mp4");
        assertThat(UploadController.displayName("evil\u202Egpj.mp4")).isEqualTo("evilgpj.mp4");
        assertThat(UploadController.displayName("..")).isEqualTo("upload");
        assertThat(UploadController.displayName(null)).isEqualTo("upload");
        assertThat(UploadController.displayName("x".repeat(500))).hasSize(200);
    }
}
