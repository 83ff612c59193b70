package io.clipflow.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.security.ClipflowUser;
import java.io.IOException;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The {@code /ws/...} endpoints: one topic per connection, checked against the signed-in user; {@code connected},
 * then the latest state, then live events; {@code {"type":"ping"}} gets {@code {"type":"pong"}}.
 */
@Component
class EventSocketHandler extends TextWebSocketHandler {

    static final String[] PATHS = {
        "/ws/videos/*",
        "/ws/tasks/*",
        "/ws/users/me",
        "/ws/projects/*",
        "/ws/projects/*/",
        "/ws/projects/*/stage/*",
        "/ws/projects/*/stage/*/"
    };
    private static final String SUBSCRIBER = "clipflow.subscriber";
    // Tomcat's own limit on one blocking send; without it a client that stops reading holds a sender for 20 s
    private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    private final EventHub hub;
    private final TopicAccess access;
    private final EventsProperties properties;
    private final ObjectMapper json;

    EventSocketHandler(EventHub hub, TopicAccess access, EventsProperties properties, ObjectMapper json) {
        this.hub = hub;
        this.access = access;
        this.properties = properties;
        this.json = json;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws Exception {
        ClipflowUser user = userOf(session.getPrincipal());
        String topic = topicOf(session.getUri() == null ? "" : session.getUri().getPath(), user);
        if (topic == null || !access.mayRead(user, topic)) {
            // accepted then closed, so a browser sees the reason (a refused handshake shows no status to scripts)
            session.close(CloseStatus.POLICY_VIOLATION.withReason("no such channel or not yours"));
            return;
        }
        if (session instanceof NativeWebSocketSession nativeSession) {
            jakarta.websocket.Session tomcat = nativeSession.getNativeSession(jakarta.websocket.Session.class);
            if (tomcat != null) {
                tomcat.getUserProperties()
                        .put(
                                TOMCAT_BLOCKING_SEND_TIMEOUT,
                                properties.sendTimeLimit().toMillis());
            }
        }
        SocketSink sink = new SocketSink(new ConcurrentWebSocketSessionDecorator(
                session,
                (int) properties.sendTimeLimit().toMillis(),
                (int) properties.sendBufferLimit().toBytes(),
                ConcurrentWebSocketSessionDecorator.OverflowStrategy.TERMINATE));
        Subscriber subscriber = hub.subscribe(topic, sink);
        session.getAttributes().put(SUBSCRIBER, subscriber);
        Map<String, Object> connected = new LinkedHashMap<>();
        connected.put("type", "connected");
        connected.put("channel", topic);
        subscriber.control(json.writeValueAsString(connected));
        hub.replay(subscriber, null);
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
        Subscriber subscriber = (Subscriber) session.getAttributes().get(SUBSCRIBER);
        if (subscriber == null) {
            return;
        }
        ((SocketSink) subscriber.sink()).seen();
        JsonNode in;
        try {
            in = json.readTree(message.getPayload());
        } catch (IOException e) {
            return;
        }
        if ("ping".equals(in.path("type").asText())) {
            Map<String, Object> pong = new LinkedHashMap<>();
            pong.put("type", "pong");
            if (in.has("timestamp")) {
                pong.put("timestamp", in.get("timestamp"));
            }
            subscriber.control(json.writeValueAsString(pong));
        }
    }

    @Override
    protected void handlePongMessage(WebSocketSession session, PongMessage message) {
        Subscriber subscriber = (Subscriber) session.getAttributes().get(SUBSCRIBER);
        if (subscriber != null) {
            ((SocketSink) subscriber.sink()).seen();
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Subscriber subscriber = (Subscriber) session.getAttributes().remove(SUBSCRIBER);
        if (subscriber != null) {
            hub.unsubscribe(subscriber);
            subscriber.close("closed");
        }
    }

    /** The topic a path names for this user, or null. */
    static String topicOf(String path, ClipflowUser user) {
        String[] p = path.replaceAll("/+$", "").split("/");
        // "", "ws", kind, ...
        if (p.length < 4 || !"ws".equals(p[1])) {
            return null;
        }
        Optional<Topic> topic =
                switch (p[2]) {
                    case "videos" -> p.length == 4 ? Topic.of(Topic.VIDEO, p[3], null) : Optional.empty();
                    case "tasks" -> p.length == 4 ? Topic.of(Topic.TASK, p[3], null) : Optional.empty();
                    case "users" -> p.length == 4 && "me".equals(p[3]) && user != null
                            ? Optional.of(Topic.user(user.id()))
                            : Optional.empty();
                    case "projects" -> p.length == 4
                            ? Topic.of(Topic.PROJECT, p[3], null)
                            : p.length == 6 && "stage".equals(p[4])
                                    ? Topic.of(Topic.PROJECT, p[3], p[5])
                                    : Optional.empty();
                    default -> Optional.empty();
                };
        return topic.map(Topic::name).orElse(null);
    }

    private static ClipflowUser userOf(Principal principal) {
        if (principal instanceof Authentication auth && auth.getPrincipal() instanceof ClipflowUser user) {
            return user;
        }
        return null;
    }

    /** Sends through Spring's decorator, which also keeps the handler's own sends (pong) thread-safe. */
    private static final class SocketSink implements Sink {

        @Override
        public String transport() {
            return "websocket";
        }

        private final ConcurrentWebSocketSessionDecorator session;
        private volatile long lastSeen = System.nanoTime();

        SocketSink(ConcurrentWebSocketSessionDecorator session) {
            this.session = session;
        }

        void seen() {
            lastSeen = System.nanoTime();
        }

        @Override
        public void event(Event event) throws IOException {
            session.sendMessage(new TextMessage(event.json()));
        }

        @Override
        public void control(String text) throws IOException {
            session.sendMessage(new TextMessage(text));
        }

        @Override
        public void heartbeat() throws IOException {
            session.sendMessage(new PingMessage());
        }

        @Override
        public void close(String reason) {
            try {
                session.close(CloseStatus.SESSION_NOT_RELIABLE.withReason(reason));
            } catch (IOException | RuntimeException e) {
                // already gone
            }
        }

        @Override
        public long lastSeenNanos() {
            return lastSeen;
        }
    }
}
