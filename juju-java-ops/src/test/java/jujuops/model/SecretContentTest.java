package jujuops.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Collections;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SecretContentTest {

    @Test
    void keys_followJujusRule() {
        for (String bad : new String[] {"ab", "Abc", "a_b", "1abc", "-abc", "abc-", "a--bc", "", "ключ"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SecretContent.of(Map.of(bad, "v")), bad);
            assertEquals(true, e.getMessage().startsWith("secret key '" + bad + "' is not allowed"), e.getMessage());
        }
        assertEquals(Map.of("abc", "v", "tls-cert-2", "w"), SecretContent.of(Map.of("abc", "v", "tls-cert-2", "w")).asMap());
    }

    @Test
    void emptyContentOrNullValue_isRefused_withoutEchoingValues() {
        assertThrows(IllegalArgumentException.class, () -> SecretContent.of(Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SecretContent.of(Collections.singletonMap("password", null)));
        assertEquals("secret value for key 'password' must be a string", e.getMessage());
    }

    @Test
    void toString_namesKeysOnly() {
        assertEquals("SecretContent[password]", SecretContent.of(Map.of("password", "hunter2")).toString());
    }
}
