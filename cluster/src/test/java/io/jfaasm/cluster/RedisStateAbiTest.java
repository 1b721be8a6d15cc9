package io.jfaasm.cluster;

import io.jfaasm.runtime.host.StateAbiTest;
import io.jfaasm.runtime.state.GlobalTier;
import org.junit.jupiter.api.AfterEach;

/** The state ABI's tests, every one, with Redis as the global tier shared by the hosts. */
class RedisStateAbiTest extends StateAbiTest {
    private String namespace;

    @Override
    protected GlobalTier newGlobalTier() {
        RedisTestSupport.requireRedis();
        namespace = RedisTestSupport.randomNamespace();
        return RedisGlobalTier.connect(RedisTestSupport.URI, namespace);
    }

    @AfterEach
    void cleanRedis() {
        RedisTestSupport.deleteNamespace(namespace);
    }
}
