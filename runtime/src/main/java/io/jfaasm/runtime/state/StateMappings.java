package io.jfaasm.runtime.state;

import io.jfaasm.runtime.memory.LinearMemory;
import java.util.List;

/**
 * The state regions a zygote mapped into its Faaslet's memory, kept mapped for as long as the
 * snapshot taken after it lives: every Faaslet restored (or reset) from that snapshot maps the same
 * host regions at the same wasm addresses, so the pointers the zygote stored stay valid and point
 * at the host's one shared copy rather than at a private copy frozen into the snapshot.
 */
public final class StateMappings implements AutoCloseable {
    /** A region and the wasm address it was mapped at. */
    public record Mapping(SharedRegion region, int address) {}

    public static final StateMappings NONE = new StateMappings(List.of());

    private final List<Mapping> mappings;
    private boolean closed;

    /** Takes over the mappings' counts (the regions stay marked as mapped until {@link #close}). */
    StateMappings(List<Mapping> mappings) {
        this.mappings = List.copyOf(mappings);
    }

    public boolean isEmpty() {
        return mappings.isEmpty();
    }

    public List<Mapping> mappings() {
        return mappings;
    }

    /** Maps every region over its pages of a memory restored from the snapshot. */
    public void mapInto(LinearMemory memory) {
        for (Mapping m : mappings) {
            memory.mapSharedAt(m.region().file(), m.address());
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            mappings.forEach(m -> m.region().unmapped());
        }
    }
}
