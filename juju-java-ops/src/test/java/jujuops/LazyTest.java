package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class LazyTest {

    @Test
    void buildsOnFirstUseOnly_andKeepsTheValue() {
        AtomicInteger builds = new AtomicInteger();
        Lazy<Object> lazy = Lazy.of(() -> {
            builds.incrementAndGet();
            return new Object();
        });
        assertFalse(lazy.built());
        assertEquals(0, builds.get());
        Object first = lazy.get();
        assertSame(first, lazy.get());
        assertEquals(1, builds.get());
        assertTrue(lazy.built());
    }

    @Test
    void wrappingALazy_returnsIt() {
        Lazy<String> lazy = Lazy.of(() -> "x");
        Supplier<String> again = Lazy.of(lazy);
        assertSame(lazy, again);
    }

    @Test
    void aFactoryReturningNull_isABug() {
        assertThrows(IllegalStateException.class, () -> Lazy.of(() -> null).get());
    }
}
