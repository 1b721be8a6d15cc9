package io.jfaasm.experiments.report;

import io.jfaasm.experiments.Measurement;
import io.jfaasm.experiments.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The summary printed at the end of a run: one row per figure, aligned, then the notes. */
public final class SummaryTable {
    private SummaryTable() {}

    public static String render(Report report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"measurement", "at", "system", "value", "unit"});
        for (Measurement m : report.measurements()) {
            String at = m.at().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
            rows.add(new String[] {m.name(), at, m.system(), format(m.value()), m.unit()});
        }
        int[] width = new int[5];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int j = 0; j < rows.size(); j++) {
            String[] r = rows.get(j);
            for (int i = 0; i < r.length; i++) {
                String cell = i == 3 ? " ".repeat(width[i] - r[i].length()) + r[i]        // numbers right-aligned
                        : r[i] + " ".repeat(width[i] - r[i].length());
                out.append(cell).append(i < r.length - 1 ? "  " : "");
            }
            out.append(System.lineSeparator());
            if (j == 0) {
                int total = java.util.Arrays.stream(width).sum() + 2 * (width.length - 1);
                out.append("-".repeat(total)).append(System.lineSeparator());
            }
        }
        for (String note : report.notes()) {
            out.append("note: ").append(note).append(System.lineSeparator());
        }
        return out.toString();
    }

    /** Three significant figures at least, no exponent for everyday magnitudes. */
    static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a >= 1000 || a == 0) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
