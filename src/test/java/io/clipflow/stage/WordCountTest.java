package io.clipflow.stage;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WordCountTest {

    final WordCount wordCount = new WordCount();

    @Test
    void countsWordsCharactersAndLinesAndRanksTheMostFrequentWords() {
        TextStats stats = wordCount.count("The cat saw the dog.\nThe dog didn't care!", 2);

        assertThat(stats.words()).isEqualTo(9);
        assertThat(stats.characters()).isEqualTo(41);
        assertThat(stats.lines()).isEqualTo(2);
        assertThat(stats.topWords()).containsExactly(Map.entry("the", 3), Map.entry("dog", 2));
    }

    @Test
    void countsCodePointsNotJavaCharsAndEveryIdeographAsAWord() {
        TextStats stats = wordCount.count("这是原始文案，运镜。 ☕ café", 0);

        assertThat(stats.words()).isEqualTo(9);
        assertThat(stats.characters()).isEqualTo(17);
        assertThat(stats.topWords()).isEmpty();
    }

    @Test
    void anEmptyTextHasNothingInIt() {
        assertThat(wordCount.count("", 5)).isEqualTo(new TextStats(0, 0, 0, Map.of()));
        assertThat(wordCount.count("  ...  ", 5).words()).isZero();
    }

    @Test
    void takesTheArgumentsPositionallyOrByKeywordAsCeleryPassesThem() {
        assertThat(wordCount.run(aTask(WordCount.TASK).withArgs("a b a", 1).message()))
                .isEqualTo(new TextStats(3, 5, 1, Map.of("a", 2)));
        assertThat(wordCount.run(aTask(WordCount.TASK)
                        .withKwarg("text", "a b a")
                        .withKwarg("top", 1)
                        .message()))
                .isEqualTo(new TextStats(3, 5, 1, Map.of("a", 2)));
        assertThat(wordCount
                        .run(aTask(WordCount.TASK).withArgs("a b c d e f").message())
                        .topWords())
                .hasSize(WordCount.DEFAULT_TOP);
    }

    @Test
    void refusesATextThatIsNotAStringAndATopOutOfRange() {
        assertThatThrownBy(() -> wordCount.run(aTask(WordCount.TASK).message()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("text must be a string, got nothing");
        assertThatThrownBy(
                        () -> wordCount.run(aTask(WordCount.TASK).withArgs(42).message()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got Integer");
        assertThatThrownBy(() ->
                        wordCount.run(aTask(WordCount.TASK).withArgs("x", "3").message()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("top must be an integer");
        assertThatThrownBy(() -> wordCount.count("x", 101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from 0 to 100");
    }
}
