package io.clipflow.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts Clipflow runs on Redis, read from {@code lua/<name>.lua} on the classpath and composed once, when the
 * class that holds them as constants is loaded (at start-up, before its first call). Scripts run by their SHA1
 * ({@code EVALSHA}); whoever runs them sends the composed text again when Redis has lost it.
 *
 * <p>A file starts with line comments ({@code --}) that say what the script does, its KEYS, ARGV and reply; they stay
 * in the file and are not sent to Redis. Among them, a line {@code -- uses: emit, result} names the function files
 * ({@code lua/emit.lua}, {@code lua/result.lua}) whose {@code local function}s the script calls: their text goes
 * before the script's own, each file once, and a function file's own {@code uses} before it. So a feature asks for
 * another feature's Lua function by its file's name and never holds its text: {@code lua/finish.lua} (queue) says
 * {@code uses: result, take, emit} and becomes result.lua + task-id.lua + take.lua + emit.lua + its own lines.
 */
public final class LuaScripts {

    private static final String FOLDER = "lua/";
    private static final String USES = "-- uses:";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private LuaScripts() {}

    /**
     * The script {@code lua/<name>.lua} with the functions it uses, typed by its reply.
     *
     * @throws IllegalStateException when a file is missing or the uses form a cycle
     */
    public static <T> RedisScript<T> script(String name, Class<T> resultType) {
        return RedisScript.of(text(name), resultType);
    }

    /** The composed text of {@code lua/<name>.lua}: the files it uses (each once, in order), then its own code. */
    public static String text(String name) {
        StringBuilder text = new StringBuilder();
        Set<String> included = new LinkedHashSet<>();
        append(name, text, included, new LinkedHashSet<>());
        return text.toString();
    }

    private static void append(String name, StringBuilder text, Set<String> included, Set<String> composing) {
        if (included.contains(name)) {
            return;
        }
        if (!composing.add(name)) {
            throw new IllegalStateException("Lua files use each other in a cycle: " + composing + " -> " + name);
        }
        Source source = read(name);
        for (String used : source.uses()) {
            append(used, text, included, composing);
        }
        text.append(source.code());
        if (!text.isEmpty() && text.charAt(text.length() - 1) != '\n') {
            text.append('\n'); // the next file's code starts on a line of its own
        }
        composing.remove(name);
        included.add(name);
    }

    /** A file split into the names its header says it uses and the code after the header. */
    private record Source(List<String> uses, String code) {}

    private static Source read(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Lua file name (lower case, digits, '-'): " + name);
        }
        String path = FOLDER + name + ".lua";
        String file;
        try (InputStream in = LuaScripts.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no Lua file " + path + " on the classpath");
            }
            file = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        List<String> uses = new ArrayList<>();
        int at = 0;
        while (at < file.length() && file.startsWith("--", at)) {
            int end = file.indexOf('\n', at);
            String line = file.substring(at, end < 0 ? file.length() : end);
            if (line.startsWith(USES)) {
                for (String used : line.substring(USES.length()).split(",")) {
                    if (!used.isBlank()) {
                        uses.add(used.trim());
                    }
                }
            }
            at = end < 0 ? file.length() : end + 1;
        }
        return new Source(uses, file.substring(at));
    }
}
