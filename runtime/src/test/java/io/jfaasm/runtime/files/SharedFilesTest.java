package io.jfaasm.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.scheduler.CallRecord;
import io.jfaasm.runtime.scheduler.CallStatus;
import io.jfaasm.runtime.scheduler.DirectoryFunctionStore;
import io.jfaasm.runtime.scheduler.FunctionId;
import io.jfaasm.runtime.scheduler.Scheduler;
import io.jfaasm.runtime.state.InMemoryGlobalTier;
import io.jfaasm.runtime.testing.Examples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users' shared files through the scheduler: a function of the user reads them, read-only; another
 * user's function never sees them; a change reaches the next call; each call has its own scratch
 * directory, gone after it.
 */
class SharedFilesTest {
    static final FunctionId ALICE_READ = new FunctionId("alice", "shared_read");
    static final FunctionId BOB_READ = new FunctionId("bob", "shared_read");
    static final FunctionId ALICE_HOSTILE = new FunctionId("alice", "files_hostile");
    static final FunctionId ALICE_SCRATCH = new FunctionId("alice", "scratch");

    @TempDir
    Path dir;
    InMemoryGlobalTier tier;
    FaasletHost host;
    Scheduler scheduler;
    SharedFileStore store;
    SharedFileCache cache;
    ScratchSpace scratch;

    @BeforeEach
    void start() {
        tier = new InMemoryGlobalTier();
        host = FaasletHost.create(FaasletHost.Config.defaults().withStateTier(tier));
        scheduler = new Scheduler(host, new DirectoryFunctionStore(dir.resolve("functions")),
                Scheduler.Config.defaults("h1"), (record, result) -> {});
        store = new SharedFileStore(tier);
        cache = new SharedFileCache(store, dir.resolve("cache"));
        scratch = ScratchSpace.at(dir.resolve("scratch"), "/tmp", ScratchSpace.DEFAULT_MAX_BYTES);
        scheduler.useFiles(cache, scratch);
        scheduler.upload(ALICE_READ, Examples.bytes("shared_read"));
        scheduler.upload(BOB_READ, Examples.bytes("shared_read"));
    }

    @AfterEach
    void stop() {
        scheduler.close();
        host.close();
        tier.close();
    }

    CallRecord call(FunctionId id, String input) throws Exception {
        return scheduler.submit(id, input.getBytes(StandardCharsets.UTF_8)).done().get(60, TimeUnit.SECONDS);
    }

    static String out(CallRecord r) {
        return new String(r.output(), StandardCharsets.UTF_8);
    }

    static String err(CallRecord r) {
        return new String(r.stderr(), StandardCharsets.UTF_8);
    }

    @Test
    void aFunctionReadsItsUsersSharedFiles() throws Exception {
        store.put("alice", "config.txt", "alpha".getBytes());
        store.put("alice", "models/v1/weights.bin", new byte[] {1, 2, 3});
        assertThat(out(call(ALICE_READ, "config.txt"))).isEqualTo("alpha");
        assertThat(call(ALICE_READ, "models/v1/weights.bin").output()).containsExactly(1, 2, 3);
        assertThat(out(call(ALICE_READ, ""))).isEqualTo("config.txt\nmodels\n");
    }

    @Test
    void anotherUsersFunctionNeverSeesThem() throws Exception {
        store.put("alice", "secret.txt", "alice only".getBytes());
        store.put("bob", "own.txt", "bob's".getBytes());
        CallRecord r = call(BOB_READ, "secret.txt");
        assertThat(r.returnCode()).isEqualTo(1);
        assertThat(r.output()).isEmpty();
        assertThat(err(r)).contains("No such file");
        assertThat(out(call(BOB_READ, ""))).isEqualTo("own.txt\n");
        // nor by climbing out of its own directory into the host's cache
        CallRecord climb = call(BOB_READ, "../../" + "alice/" + store.manifest("alice").digest() + "/secret.txt");
        assertThat(climb.returnCode()).isEqualTo(1);
        assertThat(climb.output()).isEmpty();
    }

    @Test
    void aChangedFileIsFetchedAgainAndADeletedOneDisappears() throws Exception {
        store.put("alice", "f", "one".getBytes());
        assertThat(out(call(ALICE_READ, "f"))).isEqualTo("one");
        store.put("alice", "f", "two".getBytes());
        assertThat(out(call(ALICE_READ, "f"))).isEqualTo("two");
        store.delete("alice", "f");
        CallRecord gone = call(ALICE_READ, "f");
        assertThat(gone.returnCode()).isEqualTo(1);
        assertThat(err(gone)).contains("No such file");
        // only the current version stays in the cache: one (empty) view, no bytes
        assertThat(list(dir.resolve("cache/views/alice"))).hasSize(1);
        assertThat(list(dir.resolve("cache/blobs/alice"))).isEmpty();
    }

    @Test
    void theSharedFilesAreReadOnlyToTheFunction() throws Exception {
        scheduler.upload(ALICE_HOSTILE, Examples.bytes("files_hostile"));
        store.put("alice", "f", "original".getBytes());
        store.put("alice", "sub/g", "inner".getBytes());
        CallRecord r = call(ALICE_HOSTILE, "");
        assertThat(r.status()).isEqualTo(CallStatus.DONE);
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).doesNotContain("ALLOWED");
        assertThat(out(r)).isEqualTo("0");
        assertThat(store.get("alice", "f")).isEqualTo("original".getBytes());
        assertThat(out(call(ALICE_READ, "f"))).isEqualTo("original");
        assertThat(store.manifest("alice").entries()).hasSize(2);
    }

    @Test
    void eachCallHasItsOwnScratchDirectoryGoneAfterIt() throws Exception {
        scheduler.upload(ALICE_SCRATCH, Examples.bytes("scratch"));
        // the same function again and again: warm Faaslets of one pool, never a leftover
        for (int i = 0; i < 4; i++) {
            assertThat(out(call(ALICE_SCRATCH, "run" + i))).isEqualTo("before=0 files=dir,link,run" + i + " content=run" + i);
        }
        // two calls at once, held together by a barrier in state so they provably overlap
        tier.set("state/alice/scratch_barrier", new byte[4]);
        CallRecord a = scheduler.submit(ALICE_SCRATCH, "a 2".getBytes());
        CallRecord b = scheduler.submit(ALICE_SCRATCH, "b 2".getBytes());
        assertThat(out(a.done().get(60, TimeUnit.SECONDS))).isEqualTo("before=0 files=a,dir,link content=a");
        assertThat(out(b.done().get(60, TimeUnit.SECONDS))).isEqualTo("before=0 files=b,dir,link content=b");
        assertThat(list(scratch.root())).isEmpty();
    }

    @Test
    void badPathsAndConflictsAreRefusedAndLoseNothing() {
        for (String bad : List.of("", "/abs", "../x", "a/../b", "a//b", "a/", ".", "a/./b", "sp ace", "a\\b",
                "x".repeat(256), "a/".repeat(16) + "b", "nul\0")) {
            assertThatThrownBy(() -> store.put("alice", bad, new byte[1])).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        store.put("alice", "dir/file", "kept".getBytes());
        assertThatThrownBy(() -> store.put("alice", "dir", new byte[1]))
                .isInstanceOf(SharedFileStore.PathConflictException.class).hasMessageContaining("is a directory");
        assertThatThrownBy(() -> store.put("alice", "dir/file/under", new byte[1]))
                .isInstanceOf(SharedFileStore.PathConflictException.class).hasMessageContaining("is a file");
        assertThat(store.manifest("alice").entries()).extracting(SharedManifest.Entry::path).containsExactly("dir/file");
        assertThat(store.get("alice", "dir/file")).isEqualTo("kept".getBytes());
        assertThat(store.delete("alice", "nothing")).isFalse();
        // bytes of a replaced file are dropped from the tier; the same bytes at two paths are kept once
        store.put("alice", "a", "same".getBytes());
        store.put("alice", "b", "same".getBytes());
        store.delete("alice", "a");
        assertThat(store.get("alice", "b")).isEqualTo("same".getBytes());
        store.put("alice", "b", "other".getBytes());
        assertThat(tier.keys("files/alice/blob/")).hasSize(2); // dir/file and b
    }

    static List<Path> list(Path d) throws Exception {
        if (!Files.exists(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }
}
