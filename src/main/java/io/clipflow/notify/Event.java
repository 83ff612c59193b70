package io.clipflow.notify;

/**
 * One event as subscribers get it: its id (the history stream entry id, {@code <millis>-<seq>}) and its JSON, which
 * starts with that id.
 */
public record Event(String id, String json) {

    /** Stream ids of one topic grow; compares them numerically ({@code 9-0 < 10-0}). */
    static int compareIds(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
        return c != 0 ? c : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
    }

    static boolean isValidId(String id) {
        return id != null && id.matches("[0-9]{1,19}-[0-9]{1,19}");
    }
}
