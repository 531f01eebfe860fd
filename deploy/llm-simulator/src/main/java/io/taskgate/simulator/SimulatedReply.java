package io.taskgate.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * The answer the simulator gives: always the same words for the same length, so a test can
 * compare what its client assembled with {@link #text()}.
 *
 * @param tokens       the pieces sent one per chunk; each but the first carries its leading space
 * @param finishReason {@code "length"} when {@code max_tokens} cut the reply short, else {@code "stop"}
 * @param promptTokens the usage figure for the prompt
 */
record SimulatedReply(List<String> tokens, String finishReason, int promptTokens) {

    static SimulatedReply of(ChatCompletionRequest request, SimulatorConfig config) {
        int full = config.replyTokens();
        boolean cut = request.maxTokens() != null && request.maxTokens() < full;
        int count = cut ? request.maxTokens() : full;
        return new SimulatedReply(tokens(count), cut ? "length" : "stop", request.promptTokens());
    }

    /** "Simulated reply token1 token2 …", cut to {@code count} tokens. */
    static List<String> tokens(int count) {
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tokens.add(switch (i) {
                case 0 -> "Simulated";
                case 1 -> " reply";
                default -> " token" + (i - 1);
            });
        }
        return List.copyOf(tokens);
    }

    String text() {
        return String.join("", tokens);
    }

    int completionTokens() {
        return tokens.size();
    }
}
