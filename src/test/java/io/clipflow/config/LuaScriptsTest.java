package io.clipflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LuaScriptsTest {

    private static final Path SOURCES = Path.of("src/main/resources/lua");

    @Test
    void putsTheFunctionFilesAScriptUsesBeforeItEachOnceTheirOwnUsesFirst() throws IOException {
        // finish uses result, take (which uses result and task-id) and emit
        String expected = code("result") + code("task-id") + code("take") + code("emit") + code("finish");

        assertThat(LuaScripts.text("finish")).isEqualTo(expected);
    }

    @Test
    void sendsNoHeaderCommentsToRedis() {
        assertThat(LuaScripts.text("delay")).startsWith("if redis.call('LREM'").doesNotContain("-- ");
        assertThat(LuaScripts.text("started")).doesNotContain("uses:");
    }

    @Test
    void composesEveryScriptInTheFolder() throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(SOURCES)) {
            names = files.map(f -> f.getFileName().toString().replace(".lua", ""))
                    .toList();
        }

        assertThat(names).contains("finish", "emit", "result", "task-id");
        for (String name : names) {
            assertThat(LuaScripts.script(name, Long.class).getSha1()).as(name).hasSize(40);
        }
    }

    @Test
    void namesTheMissingFile() {
        assertThatThrownBy(() -> LuaScripts.text("no-such-script"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lua/no-such-script.lua");
    }

    @Test
    void refusesFilesThatUseEachOtherInACycle() {
        assertThatThrownBy(() -> LuaScripts.text("cycle-a"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cycle");
    }

    @Test
    void refusesANameThatCouldLeaveTheFolder() {
        assertThatThrownBy(() -> LuaScripts.text("../application")).isInstanceOf(IllegalArgumentException.class);
    }

    /** A file's text after its leading comment lines. */
    private static String code(String name) throws IOException {
        String file = Files.readString(SOURCES.resolve(name + ".lua"));
        while (file.startsWith("--")) {
            file = file.substring(file.indexOf('\n') + 1);
        }
        return file;
    }
}
