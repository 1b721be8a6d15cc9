package io.jfaasm.experiments;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What an experiment found: its parameters, its figures and the series to plot. */
public final class Report {

    private final String experiment;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final List<Measurement> measurements = new ArrayList<>();
    private final List<Series> series = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public Report(String experiment) {
        this.experiment = experiment;
    }

    public Report parameter(String name, Object value) {
        parameters.put(name, value);
        return this;
    }

    public Report add(Measurement m) {
        measurements.add(m);
        return this;
    }

    public Report add(String name, String system, Map<String, Object> at, double value, String unit) {
        return add(new Measurement(name, system, at, value, unit));
    }

    public Report add(Series s) {
        series.add(s);
        return this;
    }

    /** A sentence for the summary, e.g. a target missed and why. */
    public Report note(String text) {
        notes.add(text);
        return this;
    }

    public String experiment() { return experiment; }
    public Map<String, Object> parameters() { return Collections.unmodifiableMap(parameters); }
    public List<Measurement> measurements() { return Collections.unmodifiableList(measurements); }
    public List<Series> series() { return Collections.unmodifiableList(series); }
    public List<String> notes() { return Collections.unmodifiableList(notes); }
}
