package e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What the benchmarks on the local stack share: the median they report, and a step that must hold. */
final class Benches {

    private Benches() {
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** A step of a bench that must hold; when not, the bench stops with this. */
    static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }
}
