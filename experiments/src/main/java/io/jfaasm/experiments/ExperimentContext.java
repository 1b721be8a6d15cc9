package io.jfaasm.experiments;

import java.nio.file.Path;

/**
 * What an experiment run is given.
 *
 * @param quick    the small run CI does (under two minutes on this 2-core machine)
 * @param seed     seeds every generator, so a run's data is the same for the same seed
 * @param workDir  a private scratch directory for this run (data files, code caches, logs)
 * @param progress where long phases report how far they are
 */
public record ExperimentContext(boolean quick, long seed, Path workDir, Progress progress) {}
