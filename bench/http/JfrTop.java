import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of the HTTP benchmark (bench/http/profile.sh): where the CPU samples
 * fall (by thread kind, by the request path's stage, hottest methods self and inclusive), which
 * allocation sites dominate, and the GC pauses. Single-file program:
 *
 * <pre>java bench/http/JfrTop.java /tmp/x.jfr [top-n] [method-substring]</pre>
 *
 * <p>With a method substring, it also prints the most common stacks (12 frames, from the matching one towards the root) of the
 * CPU samples whose stack holds a matching frame, starting at that frame.
 */
public final class JfrTop {
    /** Stages of a call's path, in the order a stack is matched against them (innermost wins). */
    private static final String[][] STAGES = {
        {"wasm guest + Chicory", "com.dylibso.chicory."},
        {"Faaslet call / reset (io.jfaasm.runtime.faaslet, snapshot, memory)", "io.jfaasm.runtime.faaslet.",
            "io.jfaasm.runtime.snapshot.", "io.jfaasm.runtime.memory.", "io.jfaasm.runtime.host."},
        {"metrics (Micrometer)", "io.micrometer."},
        {"JSON (Jackson)", "com.fasterxml.jackson."},
        {"FaasletHost (hand-off, deadline, pool)", "io.jfaasm.runtime.FaasletHost"},
        {"Scheduler + CallRecord", "io.jfaasm.runtime.scheduler."},
        {"HttpApi (routes)", "io.jfaasm.server."},
        {"Javalin", "io.javalin."},
        {"Jetty", "org.eclipse.jetty."},
    };

    /** Methods on a no-op call's path whose inclusive share is worth knowing. */
    private static final String[] MILESTONES = {
        "org.eclipse.jetty.server.internal.HttpConnection.onFillable",
        "org.eclipse.jetty.io.SocketChannelEndPoint.fill",
        "org.eclipse.jetty.io.SocketChannelEndPoint.flush",
        "org.eclipse.jetty.io.ManagedSelector$SelectorProducer.produce",
        "io.javalin.http.servlet.JavalinServlet.service",
        "io.javalin.http.servlet.JavalinServlet.writeResponseAndLog",
        "io.jfaasm.server.HttpApi.authenticate",
        "io.jfaasm.server.HttpApi.invoke",
        "io.jfaasm.server.HttpApi.health",
        "io.jfaasm.server.Bodies.read",
        "io.jfaasm.server.Json.bytes",
        "io.jfaasm.runtime.scheduler.Scheduler.submit",
        "java.lang.Thread$Builder$OfVirtual.start",
        "io.jfaasm.runtime.scheduler.Scheduler.run",
        "io.jfaasm.runtime.scheduler.Scheduler$Permits.acquire",
        "io.jfaasm.runtime.FaasletHost.call",
        "io.jfaasm.runtime.FaasletHost.submit",
        "io.jfaasm.runtime.FaasletHost.run",
        "io.jfaasm.runtime.FaasletHost.withDeadline",
        "java.util.concurrent.ScheduledThreadPoolExecutor.schedule",
        "io.jfaasm.runtime.wasm.CompiledModule.hashCode",
        "io.jfaasm.runtime.snapshot.FaasletPool.acquire",
        "io.jfaasm.runtime.faaslet.Faaslet.call",
        "io.jfaasm.runtime.faaslet.Faaslet.bind",
        "io.jfaasm.runtime.snapshot.FaasletPool.release",
        "io.jfaasm.runtime.memory.LinearMemory.mapImage",
        "io.jfaasm.server.ServerMetrics.callFinished",
        "io.jfaasm.runtime.scheduler.CallRecord.publish",
        "java.util.concurrent.CompletableFuture.complete",
        "java.lang.VirtualThread.unpark",
        "java.lang.VirtualThread.park",
        "java.lang.VirtualThread.runContinuation",
        "java.util.concurrent.locks.LockSupport.unpark",
        "jdk.internal.misc.Unsafe.unpark",
        "java.util.concurrent.ForkJoinPool.signalWork",
        "java.util.concurrent.ForkJoinPool.awaitWork",
        "sun.nio.ch.EPoll.wait",
        "sun.nio.ch.EPoll.ctl",
        "sun.nio.ch.EventFD.set0",
    };

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> incl = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> stages = new LinkedHashMap<>();
        Map<String, Long> allocClass = new HashMap<>();
        Map<String, Long> allocSite = new HashMap<>();
        Map<String, Long> eventCounts = new HashMap<>();
        long samples = 0;
        long allocTotal = 0;
        long gcCount = 0;
        Duration gcPause = Duration.ZERO;
        Duration gcMax = Duration.ZERO;
        String sampleEvent = null;
        List<RecordedEvent> all = new ArrayList<>();
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                String name = e.getEventType().getName();
                eventCounts.merge(name, 1L, Long::sum);
                if (name.equals("jdk.CPUTimeSample") || name.equals("jdk.ExecutionSample")) {
                    all.add(e);
                }
                switch (name) {
                    case "jdk.ObjectAllocationSample" -> {
                        long w = e.getLong("weight");
                        allocTotal += w;
                        allocClass.merge(e.getClass("objectClass").getName(), w, Long::sum);
                        allocSite.merge(firstOwnFrame(e.getStackTrace()), w, Long::sum);
                    }
                    case "jdk.GarbageCollection" -> {
                        gcCount++;
                        Duration p = e.getDuration("sumOfPauses");
                        gcPause = gcPause.plus(p);
                        if (p.compareTo(gcMax) > 0) {
                            gcMax = p;
                        }
                    }
                    default -> { }
                }
            }
        }
        // CPU-time samples (JDK 25, Linux) when recorded, else the classic execution samples
        sampleEvent = eventCounts.containsKey("jdk.CPUTimeSample") ? "jdk.CPUTimeSample" : "jdk.ExecutionSample";
        for (String[] s : STAGES) {
            stages.put(s[0], 0L);
        }
        stages.put("other (JDK: virtual-thread scheduling, locks, I/O ...)", 0L);
        for (RecordedEvent e : all) {
            if (!e.getEventType().getName().equals(sampleEvent)) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = st.getFrames();
            self.merge(method(frames.get(0)), 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String m = method(f);
                if (seen.add(m)) {
                    incl.merge(m, 1L, Long::sum);
                }
            }
            String thread = threadName(e);
            threads.merge(thread, 1L, Long::sum);
            stages.merge(stage(frames), 1L, Long::sum);
        }
        System.out.printf("%s: %d samples (%s)%n", file, samples, sampleEvent);
        if (args.length > 2) {
            Map<String, Long> stacks = new HashMap<>();
            Map<String, Long> callers = new HashMap<>();
            for (RecordedEvent e : all) {
                if (!e.getEventType().getName().equals(sampleEvent) || e.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                for (int i = 0; i < frames.size(); i++) {
                    if (method(frames.get(i)).contains(args[2])) {
                        StringBuilder b = new StringBuilder();
                        for (int j = i; j < Math.min(frames.size(), i + 12); j++) {
                            b.append("\n    ").append(method(frames.get(j))).append(':')
                                    .append(frames.get(j).getLineNumber());
                        }
                        String own = "(no io.jfaasm/Javalin/Jetty frame within the recorded depth)";
                        for (int j = i; j < frames.size(); j++) {
                            String c = frames.get(j).getMethod().getType().getName();
                            if (c.startsWith("io.") || c.startsWith("org.eclipse.jetty.")) {
                                own = method(frames.get(j)) + ":" + frames.get(j).getLineNumber();
                                break;
                            }
                        }
                        callers.merge(own, 1L, Long::sum);
                        stacks.merge(b.toString(), 1L, Long::sum);
                        break;
                    }
                }
            }
            System.out.println("\n## Samples through " + args[2] + ", by the first io.* / Jetty frame at or above it");
            print(callers, samples, top);
            System.out.println("\n## Stacks through " + args[2]);
            print(stacks, samples, top / 3 + 1);
        }
        System.out.println("\n## CPU samples by thread kind");
        print(threads, samples, top);
        System.out.println("\n## CPU samples by stage (a sample counts for the innermost stage on its stack)");
        for (var st : stages.entrySet()) {
            System.out.printf("%6.1f%%  %s%n", 100.0 * st.getValue() / Math.max(1, samples), st.getKey());
        }
        System.out.println("\n## Milestones on the call path, inclusive");
        for (String m : MILESTONES) {
            System.out.printf("%6.1f%%  %s%n", 100.0 * incl.getOrDefault(m, 0L) / Math.max(1, samples), m);
        }
        System.out.println("\n## Hottest methods, self");
        print(self, samples, top);
        System.out.println("\n## Hottest methods, inclusive (io.jfaasm, Javalin, Jetty, Micrometer, Jackson, JDK concurrency)");
        Map<String, Long> inclFiltered = new HashMap<>();
        incl.forEach((k, v) -> {
            if (k.startsWith("io.") || k.startsWith("org.eclipse.jetty.") || k.startsWith("com.fasterxml.")
                    || k.startsWith("java.util.concurrent.") || k.startsWith("java.lang.VirtualThread")
                    || k.startsWith("jdk.internal.misc.Unsafe.park")) {
                inclFiltered.put(k, v);
            }
        });
        print(inclFiltered, samples, top * 2);
        System.out.printf("%n## Allocation (jdk.ObjectAllocationSample): %.0f MiB sampled weight%n", allocTotal / 1048576.0);
        System.out.println("by class:");
        print(allocClass, allocTotal, top);
        System.out.println("by first io.jfaasm / Javalin / Jetty / Micrometer frame:");
        print(allocSite, allocTotal, top);
        System.out.printf("%n## GC: %d collections, %d ms of pauses in all, longest %d ms%n", gcCount,
                gcPause.toMillis(), gcMax.toMillis());
    }

    private static String stage(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) { // innermost first
            String c = f.getMethod().getType().getName();
            for (String[] s : STAGES) {
                for (int i = 1; i < s.length; i++) {
                    if (c.startsWith(s[i])) {
                        return s[0];
                    }
                }
            }
        }
        return "other (JDK: virtual-thread scheduling, locks, I/O ...)";
    }

    private static String threadName(RecordedEvent e) {
        var t = e.hasField("eventThread") ? e.getThread("eventThread") : e.getThread("sampledThread");
        if (t == null && e.hasField("sampledThread")) {
            t = e.getThread("sampledThread");
        }
        if (t == null) {
            return "?";
        }
        String n = t.getJavaName() == null ? "" : t.getJavaName();
        boolean virtual = t.isVirtual();
        n = n.replaceAll("[0-9a-f]{8,}", "*").replaceAll("[0-9]+", "N");
        return (virtual ? "virtual " : "platform ") + (n.isEmpty() ? "(unnamed)" : n);
    }

    private static String firstOwnFrame(RecordedStackTrace st) {
        if (st == null) {
            return "?";
        }
        for (RecordedFrame f : st.getFrames()) {
            String c = f.getMethod().getType().getName();
            if (c.startsWith("io.") || c.startsWith("org.eclipse.jetty.") || c.startsWith("com.dylibso.")) {
                return method(f);
            }
        }
        return st.getFrames().isEmpty() ? "?" : method(st.getFrames().get(0));
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(Map<String, Long> m, long total, int n) {
        m.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(n)
                .forEach(e -> System.out.printf("%6.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }
}
