import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where each thread of a JFR recording spent a time window: its Java execution samples (running
 * Java code) and its native method samples (in native code: mostly a socket read waiting for the
 * peer, or epoll), each counted by the thread's name (numbers folded to #), the kind, the top frame
 * and the first frame of Roomcast's own code. One tab-separated line per distinct key, count first:
 *
 *   count  thread  running|native  topType.method  roomcastType.method|-
 *
 *   java bench/lib/JfrThreads.java recording.jfr fromEpochMs toEpochMs
 *
 * Used by bench/durable.js to say where a saturated publish path waits (the writer's round trips to
 * PostgreSQL show as native samples in a socket read under GroupCommit). Reads the file as a stream.
 */
public class JfrThreads {

    public static void main(String[] args) throws Exception {
        Instant from = Instant.ofEpochMilli(Long.parseLong(args[1]));
        Instant to = Instant.ofEpochMilli(Long.parseLong(args[2]));
        Map<String, Integer> counts = new HashMap<>();
        try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                String type = event.getEventType().getName();
                boolean running = "jdk.ExecutionSample".equals(type);
                if ((!running && !"jdk.NativeMethodSample".equals(type))
                        || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
                    continue;
                }
                RecordedThread thread = event.getThread("sampledThread");
                String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName().replaceAll("\\d+", "#");
                List<RecordedFrame> frames = event.getStackTrace() == null ? List.of() : event.getStackTrace().getFrames();
                String top = frames.isEmpty() ? "-" : frames.get(0).getMethod().getType().getName() + "." + frames.get(0).getMethod().getName();
                String roomcast = "-";
                for (RecordedFrame frame : frames) {
                    String t = frame.getMethod().getType().getName();
                    if (t.startsWith("io.roomcast.") && !t.contains("$Proxy$_$$_Weld")) {
                        roomcast = t + "." + frame.getMethod().getName();
                        break;
                    }
                }
                counts.merge(name + "\t" + (running ? "running" : "native") + "\t" + top + "\t" + roomcast, 1, Integer::sum);
            }
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((key, n) -> out.append(n).append('\t').append(key).append('\n'));
        System.out.print(out);
    }
}
