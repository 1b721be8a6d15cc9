package io.jfaasm.experiments.inference;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Labelled 28x28 digits as the classifier reads them: 784 pixel bytes each (0 = background, 255 =
 * ink; the package stores them as floats in [0, 1] with three decimals, which round back exactly).
 */
public record MnistDigits(List<byte[]> pixels, byte[] labels) {
    public static final int PIXELS = 784;

    /** A train/test split. */
    public record Split(MnistDigits train, MnistDigits test) {}

    /** All 10,000 digits of the package, in the package's order (by digit). */
    public static MnistDigits load(Path tgz) {
        List<byte[]> pixels = new ArrayList<>();
        List<Byte> labels = new ArrayList<>();
        JsonFactory json = new JsonFactory();
        for (Map.Entry<Integer, byte[]> e : new java.util.TreeMap<>(MnistPackage.digitFiles(tgz)).entrySet()) {
            try (JsonParser p = json.createParser(e.getValue())) {
                while (p.nextToken() != JsonToken.START_ARRAY) {
                    if (p.currentToken() == null) {
                        throw new IllegalStateException("digit " + e.getKey() + ": no data array");
                    }
                }
                byte[] image = new byte[PIXELS];
                int i = 0;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    image[i++] = (byte) Math.round(p.getDoubleValue() * 255);
                    if (i == PIXELS) {
                        pixels.add(image);
                        labels.add((byte) (int) e.getKey());
                        image = new byte[PIXELS];
                        i = 0;
                    }
                }
                if (i != 0) {
                    throw new IllegalStateException("digit " + e.getKey() + ": a partial image at the end");
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        byte[] l = new byte[labels.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels.get(i);
        }
        return new MnistDigits(pixels, l);
    }

    public int size() {
        return labels.length;
    }

    /** Shuffles with {@code seed} and takes the first {@code trainSize} digits for training. */
    public Split split(int trainSize, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(seed));
        return new Split(subset(order.subList(0, trainSize)), subset(order.subList(trainSize, size())));
    }

    private MnistDigits subset(List<Integer> which) {
        List<byte[]> p = new ArrayList<>();
        byte[] l = new byte[which.size()];
        for (int i = 0; i < which.size(); i++) {
            p.add(pixels.get(which.get(i)));
            l[i] = labels[which.get(i)];
        }
        return new MnistDigits(p, l);
    }

    /** The training records the training function reads: label byte, then the 784 pixels. */
    public byte[] records(int count) {
        byte[] out = new byte[count * (1 + PIXELS)];
        for (int i = 0; i < count; i++) {
            out[i * (1 + PIXELS)] = labels[i];
            System.arraycopy(pixels.get(i), 0, out, i * (1 + PIXELS) + 1, PIXELS);
        }
        return out;
    }
}
