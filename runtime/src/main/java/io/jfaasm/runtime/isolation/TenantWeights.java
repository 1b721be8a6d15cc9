package io.jfaasm.runtime.isolation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How much of the host each tenant (user) gets relative to the others: a weight from 1 to
 * {@link #MAX}, 1 for users not named. The same weights give a tenant's CPU group its share
 * ({@code cpu.shares} = 1024 x weight, {@code cpu.weight} = 100 x weight) and its share of the
 * scheduler's slots when calls queue.
 *
 * @param weights users' weights, where not the default
 * @param defaultWeight the weight of every other user
 */
public record TenantWeights(Map<String, Integer> weights, int defaultWeight) {
    public static final int MAX = 100;
    public static final TenantWeights EQUAL = new TenantWeights(Map.of(), 1);
    private static final Pattern SPEC = Pattern.compile("([A-Za-z0-9_.-]{1,128})=(\\d{1,3})");

    public TenantWeights {
        weights = Map.copyOf(weights);
        check("the default", defaultWeight);
        weights.forEach(TenantWeights::check);
    }

    private static void check(String user, int w) {
        if (w < 1 || w > MAX) {
            throw new IllegalArgumentException("the weight of " + user + " must be 1 to " + MAX + ", not " + w);
        }
    }

    public int of(String user) {
        return weights.getOrDefault(user, defaultWeight);
    }

    /** Weights from {@code USER=N} items, as the command line takes them; the rest weigh 1. */
    public static TenantWeights parse(List<String> specs) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String s : specs) {
            var matcher = SPEC.matcher(s.strip());
            if (!matcher.matches()) {
                throw new IllegalArgumentException("tenant weight '" + s + "': expected USER=N with N from 1 to " + MAX);
            }
            m.put(matcher.group(1), Integer.parseInt(matcher.group(2)));
        }
        return new TenantWeights(m, 1);
    }
}
