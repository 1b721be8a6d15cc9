package io.jfaasm.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jfaasm.runtime.state.GlobalTier.Chunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The global tier contract against the directory tier, plus what only it can show: restarts. */
class DirectoryGlobalTierTest extends GlobalTierContract {
    @TempDir
    Path tmp;

    private int opened;

    @Override
    protected GlobalTier newTier() {
        return new DirectoryGlobalTier(tmp.resolve("tier" + opened++));
    }

    private DirectoryGlobalTier reopen(DirectoryGlobalTier t) {
        t.close();
        return new DirectoryGlobalTier(t.directory());
    }

    @Test
    void everythingButLocksSurvivesAReopen() {
        DirectoryGlobalTier t = (DirectoryGlobalTier) tier;
        t.set("alice/a", bytes("value a"));
        t.setRanges("alice/r", List.of(new Chunk(2, bytes("xy"))));
        t.append("alice/list", bytes("one"));
        t.append("alice/list", new byte[0]);
        t.append("alice/list", bytes("three"));
        t.set("alice/both", bytes("v"));
        t.append("alice/both", bytes("e"));
        t.set("gone", bytes("x"));
        t.delete("gone");
        t.append("cleared", bytes("x"));
        t.clearAppended("cleared");
        assertThat(t.tryLock("alice/a", Duration.ofHours(1))).isNotNull();
        long stored = t.storedBytes();

        DirectoryGlobalTier again = reopen(t);
        tier = again;
        assertThat(again.keys("")).containsExactly("alice/a", "alice/both", "alice/list", "alice/r");
        assertThat(again.get("alice/a")).isEqualTo(bytes("value a"));
        assertThat(again.get("alice/r")).isEqualTo(new byte[] {0, 0, 'x', 'y'});
        assertThat(again.readAppended("alice/list", 10)).containsExactly(bytes("one"), new byte[0], bytes("three"));
        assertThat(again.get("alice/both")).isEqualTo(bytes("v"));
        assertThat(again.readAppended("alice/both", 10)).containsExactly(bytes("e"));
        assertThat(again.get("gone")).isNull();
        assertThat(again.storedBytes()).isEqualTo(stored).isEqualTo(7 + 4 + 8 + 1 + 1);
        assertThat(again.tryLock("alice/a", Duration.ofSeconds(1))).as("locks are leases in memory").isNotNull();

        again.append("alice/list", bytes("four"));
        assertThat(again.readAppended("alice/list", 10)).hasSize(4).last().isEqualTo(bytes("four"));
    }

    @Test
    void noKeyBecomesAPath() throws IOException {
        DirectoryGlobalTier t = (DirectoryGlobalTier) tier;
        String longKey = "x".repeat(3000);
        List<String> hostile = List.of("../../etc/passwd", "/abs", "a/../../b", "..", ".", "%2e%2e", "nul\u0000",
                "C:\\windows", longKey, "ключ/🙂", "");
        for (String k : hostile) {
            t.set(k, bytes(k));
            t.append(k, bytes(k));
        }
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                assertThat(p.normalize()).startsWith(t.directory());
                if (Files.isRegularFile(p)) {
                    assertThat(p.getParent()).isEqualTo(t.directory());
                    assertThat(p.getFileName().toString()).matches("[kh][0-9a-f]*\\.(val|lst)");
                    assertThat(p.getFileName().toString().length()).isLessThan(255);
                }
            }
        }
        DirectoryGlobalTier again = reopen(t);
        tier = again;
        for (String k : hostile) {
            assertThat(again.get(k)).as(k).isEqualTo(bytes(k));
            assertThat(again.readAppended(k, 5)).as(k).containsExactly(bytes(k));
        }
        assertThat(again.keys("")).hasSize(hostile.size());
    }

    @Test
    void aPartialAppendLeftByACrashIsDroppedAtOpening() throws IOException {
        DirectoryGlobalTier t = (DirectoryGlobalTier) tier;
        t.append("k", bytes("whole"));
        t.close();
        Path list = onlyFile(t.directory(), ".lst");
        try (FileChannel ch = FileChannel.open(list, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.allocate(4 + 3).putInt(100).put(bytes("abc")).flip()); // says 100, has 3
        }
        DirectoryGlobalTier again = new DirectoryGlobalTier(t.directory());
        tier = again;
        assertThat(again.readAppended("k", 10)).containsExactly(bytes("whole"));
        again.append("k", bytes("next"));
        assertThat(again.readAppended("k", 10)).containsExactly(bytes("whole"), bytes("next"));
    }

    @Test
    void strayAndTemporaryFilesAreIgnoredOrCleaned() throws IOException {
        DirectoryGlobalTier t = (DirectoryGlobalTier) tier;
        t.set("k", bytes("v"));
        t.close();
        Path d = t.directory();
        // a valid file under a name that is not its key's: not trusted
        Files.copy(onlyFile(d, ".val"), d.resolve("kdeadbeef.val"));
        Files.writeString(d.resolve("k6b.123.tmp"), "half-written");
        Files.writeString(d.resolve("junk.val"), "not a state file");
        Files.writeString(d.resolve("README"), "hello");
        DirectoryGlobalTier again = new DirectoryGlobalTier(d);
        tier = again;
        assertThat(again.keys("")).containsExactly("k");
        assertThat(again.get("k")).isEqualTo(bytes("v"));
        assertThat(d.resolve("k6b.123.tmp")).doesNotExist();
    }

    @Test
    void setRangesReplacesTheFileWhole() throws IOException {
        DirectoryGlobalTier t = (DirectoryGlobalTier) tier;
        t.set("k", bytes("0123456789"));
        Path before = onlyFile(t.directory(), ".val");
        Object inode = Files.getAttribute(before, "unix:ino");
        t.setRanges("k", List.of(new Chunk(3, bytes("abc"))));
        assertThat(Files.getAttribute(before, "unix:ino")).as("a new file was renamed over the old").isNotEqualTo(inode);
        assertThat(t.get("k")).isEqualTo(bytes("012abc6789"));
        try (Stream<Path> s = Files.list(t.directory())) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).isEmpty();
        }
    }

    @Test
    void withFsyncItBehavesTheSame() {
        try (DirectoryGlobalTier t = new DirectoryGlobalTier(tmp.resolve("synced"), true)) {
            t.set("k", bytes("v"));
            t.setRanges("k", List.of(new Chunk(1, bytes("w"))));
            t.append("k", bytes("e"));
            assertThat(t.get("k")).isEqualTo(bytes("vw"));
            assertThat(t.readAppended("k", 2)).containsExactly(bytes("e"));
        }
    }

    @Test
    void aFileInsteadOfADirectoryIsAClearError() throws IOException {
        Path f = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> new DirectoryGlobalTier(f)).isInstanceOf(GlobalTierException.class)
                .hasMessageContaining(f.toString());
    }

    @Test
    void fileNamesAreHexOrHashed() {
        assertThat(DirectoryGlobalTier.fileName("")).isEqualTo("k");
        assertThat(DirectoryGlobalTier.fileName("a/b")).isEqualTo("k612f62");
        assertThat(DirectoryGlobalTier.fileName("y".repeat(100))).startsWith("k").hasSize(201);
        assertThat(DirectoryGlobalTier.fileName("y".repeat(101))).startsWith("h").hasSize(65);
        List<String> names = new ArrayList<>();
        for (String k : List.of("a", "A", "aa", "\u00e9", "e\u0301")) {
            names.add(DirectoryGlobalTier.fileName(k));
        }
        assertThat(names).doesNotHaveDuplicates();
        assertThat(names.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).distinct())
                .as("no two keys differ only in case on disk").hasSize(names.size());
    }

    private static Path onlyFile(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> l = s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
            assertThat(l).hasSize(1);
            return l.getFirst();
        }
    }
}
