package io.jfaasm.server.cli;

import io.jfaasm.experiments.Experiment;
import io.jfaasm.experiments.ExperimentContext;
import io.jfaasm.experiments.Experiments;
import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.report.Machine;
import io.jfaasm.experiments.report.PlotWriter;
import io.jfaasm.experiments.report.ReportJson;
import io.jfaasm.experiments.report.SummaryTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jfaasm bench}: runs one of the paper's experiments with its baselines (docs/results.md). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Run an experiment: JFaasm and its baselines in one run, then a summary table,",
            "optionally JSON (every figure with its unit, the parameters and the machine) and",
            "PNG plots. 'jfaasm bench --list' names the experiments. See docs/results.md.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the experiment ran",
            "1:the experiment failed (the error is printed)",
            "2:bad usage, e.g. an unknown experiment"
        })
public final class BenchCommand implements Callable<Integer> {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPERIMENT", description = "The experiment to run.")
    String name;

    @Option(names = "--list", description = "List the experiments and exit.")
    boolean list;

    @Option(names = "--quick", description = "The small run CI does (well under two minutes on 2 cores).")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON to FILE.")
    Path json;

    @Option(names = "--plot", paramLabel = "DIR", description = "Write PNG plots into DIR.")
    Path plotDir;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of every generator (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (list) {
            for (Experiment e : Experiments.all()) {
                out.printf("%-12s %s%n", e.name(), e.summary());
            }
            out.flush();
            return 0;
        }
        if (name == null) {
            err.println("jfaasm bench: name an experiment (one of: " + String.join(", ", Experiments.names())
                    + "), or --list");
            err.flush();
            return EXIT_USAGE;
        }
        Optional<Experiment> found = Experiments.find(name);
        if (found.isEmpty()) {
            err.println("jfaasm bench: unknown experiment '" + name + "' (known: "
                    + String.join(", ", Experiments.names()) + ")");
            err.flush();
            return EXIT_USAGE;
        }
        Experiment experiment = found.get();
        Machine machine = Machine.current();
        ConsoleProgress progress = ConsoleProgress.onStderr();
        Path work = Files.createTempDirectory("jfaasm-bench-" + name + "-");
        long start = System.nanoTime();
        Report report;
        try {
            report = experiment.run(new ExperimentContext(quick, seed, work, progress));
        } catch (Exception | Error e) {
            progress.finishLine();
            err.println("jfaasm bench " + name + ": failed: " + e);
            err.flush();
            e.printStackTrace();
            return EXIT_FAILED;
        } finally {
            deleteTree(work);
        }
        progress.finishLine();
        var run = new ReportJson.Run(quick, seed, Duration.ofNanos(System.nanoTime() - start));
        out.printf("%s%s: %.1f s on %d cores (%s), load %.2f at start%n%n", name, quick ? " --quick" : "",
                run.took().toMillis() / 1000.0, machine.cores(), machine.cpuModel(), machine.loadAverage());
        out.print(SummaryTable.render(report));
        if (json != null) {
            ReportJson.write(report, machine, run, json);
            out.println("json: " + json);
        }
        if (plotDir != null) {
            for (Path png : PlotWriter.write(report, plotDir)) {
                out.println("plot: " + png);
            }
        }
        out.flush();
        return 0;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
