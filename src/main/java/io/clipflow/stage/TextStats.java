package io.clipflow.stage;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What {@code clipflow.stage.word_count} returns; stored as the task's JSON result.
 *
 * @param words word segments (Unicode word boundaries); in scripts written without spaces (Han, kana) every character
 *     is a word, as word processors count them
 * @param characters Unicode code points, spaces and punctuation included (an emoji is one)
 * @param lines lines of text; 0 for an empty text
 * @param topWords the most frequent words, lower-cased, most frequent first (ties: first seen first)
 */
public record TextStats(
        int words, int characters, int lines, @JsonProperty("top_words") Map<String, Integer> topWords) {}
