package io.jfaasm.cluster;

import java.time.Duration;

/**
 * A host that takes a global lock and then hangs without ever unlocking, until it is killed: run in
 * a separate JVM by {@link RedisGlobalTierTest}. Args: uri, namespace, key, lease in ms. Prints the
 * token (or BUSY) on one line.
 */
public final class LockHolderProcess {
    private LockHolderProcess() {}

    public static void main(String[] args) throws InterruptedException {
        RedisGlobalTier tier = RedisGlobalTier.connect(args[0], args[1]);
        String token = tier.tryLock(args[2], Duration.ofMillis(Long.parseLong(args[3])));
        System.out.println(token == null ? "BUSY" : "TOKEN " + token);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // never unlocks: the parent kills this process
    }
}
