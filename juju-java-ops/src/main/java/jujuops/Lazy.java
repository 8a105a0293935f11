package jujuops;

import java.util.function.Supplier;

/**
 * A value built on first use and kept for the rest of the dispatch: how charms keep clients they may
 * not need out of a hook's start-up. Not thread-safe; a dispatch runs on one thread.
 */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> factory;
    private T value;

    private Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    @SuppressWarnings("unchecked")
    public static <T> Lazy<T> of(Supplier<T> factory) {
        return factory instanceof Lazy ? (Lazy<T>) factory : new Lazy<>(factory);
    }

    @Override
    public T get() {
        if (value == null) {
            value = factory.get();
            if (value == null) {
                throw new IllegalStateException("a lazy value's factory returned null");
            }
        }
        return value;
    }

    /** True once the value was built. */
    public boolean built() {
        return value != null;
    }
}
