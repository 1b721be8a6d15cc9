package io.jfaasm.experiments.report;

import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.Series;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a report's series as PNGs with XChart, one file per plot name
 * ({@code EXPERIMENT-PLOT.png}), headless. An axis whose positive values span more than three
 * orders of magnitude is drawn logarithmic (a restore in microseconds next to a JVM start in
 * hundreds of milliseconds).
 */
public final class PlotWriter {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private PlotWriter() {}

    /** Writes every plot of the report into {@code dir}; returns the files written. */
    public static List<Path> write(Report report, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        Map<String, List<Series>> plots = new LinkedHashMap<>();
        for (Series s : report.series()) {
            plots.computeIfAbsent(s.plot(), k -> new ArrayList<>()).add(s);
        }
        List<Path> files = new ArrayList<>();
        for (var e : plots.entrySet()) {
            Chart<?, ?> chart = e.getValue().getFirst().categorical() ? bars(e.getKey(), e.getValue())
                    : lines(e.getKey(), e.getValue());
            Path file = dir.resolve(fileName(report.experiment() + "-" + e.getKey()) + ".png");
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            files.add(file);
        }
        return files;
    }

    private static XYChart lines(String title, List<Series> series) {
        Series first = series.getFirst();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(first.xLabel()).yAxisTitle(first.yLabel()).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setXAxisLogarithmic(wide(series, true));
        chart.getStyler().setYAxisLogarithmic(wide(series, false));
        for (Series s : series) {
            XYSeries line = chart.addSeries(s.name(), s.xs(), s.ys());
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            if (s.xs().size() > 30) {
                line.setMarker(SeriesMarkers.NONE); // a distribution: markers would hide the line
            }
        }
        return chart;
    }

    private static CategoryChart bars(String title, List<Series> series) {
        Series first = series.getFirst();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(first.xLabel()).yAxisTitle(first.yLabel()).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        if (wide(series, false)) {
            // bars grow from the axis minimum, which must be positive on a log axis: a power of ten below
            double min = series.stream().flatMap(s -> s.ys().stream()).mapToDouble(Double::doubleValue).min().orElse(1);
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
        }
        for (Series s : series) {
            chart.addSeries(s.name(), s.categories(), s.ys());
        }
        return chart;
    }

    /** True when every value is positive and the largest is over 1000 times the smallest. */
    private static boolean wide(List<Series> series, boolean x) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Series s : series) {
            for (double v : x ? s.xs() : s.ys()) {
                if (!(v > 0)) {
                    return false;
                }
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return max > 1000 * min;
    }

    private static String fileName(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]+", "_");
    }
}
