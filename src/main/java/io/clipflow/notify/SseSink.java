package io.clipflow.notify;

import java.io.IOException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** An SSE response as a subscriber's sink: each event with its history id as the SSE id. */
record SseSink(SseEmitter emitter) implements Sink {

    @Override
    public String transport() {
        return "sse";
    }

    @Override
    public void event(Event event) throws IOException {
        SseEmitter.SseEventBuilder sse = SseEmitter.event();
        if (event.id() != null) {
            sse.id(event.id());
        }
        emitter.send(sse.data(event.json()));
    }

    @Override
    public void control(String text) throws IOException {
        emitter.send(SseEmitter.event().data(text));
    }

    @Override
    public void heartbeat() throws IOException {
        emitter.send(SseEmitter.event().comment("heartbeat"));
    }

    @Override
    public void close(String reason) {
        emitter.complete();
    }
}
