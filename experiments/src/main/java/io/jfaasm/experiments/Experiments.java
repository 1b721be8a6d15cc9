package io.jfaasm.experiments;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The registry of experiments: every {@link Experiment} named in
 * {@code META-INF/services/io.jfaasm.experiments.Experiment} (a public class with a no-argument
 * constructor). A new experiment plugs in by adding its class name there.
 */
public final class Experiments {
    private Experiments() {}

    /** All registered experiments, in the order of the services file. */
    public static List<Experiment> all() {
        return ServiceLoader.load(Experiment.class, Experiments.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
    }

    public static Optional<Experiment> find(String name) {
        return all().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return all().stream().map(Experiment::name).toList();
    }
}
