package postgresqlk8s.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.interfaces.RSAPublicKey;

import org.junit.jupiter.api.Test;

class UnitKeyTest {

    static final UnitKey KEY = UnitKey.generate();

    @Test
    void generate_makesAnRsa2048Key_asPkcs8Pem() {
        assertEquals(2048, ((RSAPublicKey) KEY.publicKey()).getModulus().bitLength());
        assertTrue(KEY.pem().startsWith("-----BEGIN PRIVATE KEY-----\n"), KEY.pem());
        assertTrue(KEY.pem().endsWith("\n-----END PRIVATE KEY-----\n"));
    }

    @Test
    void fromPem_readsBackTheSameKey_withItsPublicHalf() throws Exception {
        UnitKey back = UnitKey.fromPem(KEY.pem());
        assertEquals(KEY.pem(), back.pem());
        assertTrue(back.matches(KEY.publicKey()));
        assertFalse(back.matches(UnitKey.generate().publicKey()));
    }

    @Test
    void toString_neverShowsTheKey() {
        String body = KEY.pem().split("\n")[1];
        assertFalse(KEY.toString().contains(body));
        assertEquals("UnitKey[RSA 2048, private part not shown]", KEY.toString());
    }

    @Test
    void fromPem_garbage_isRefused_withoutQuotingIt() {
        String almost = KEY.pem().replace("MII", "!!!");
        UnitKey.InvalidKeyException e = assertThrows(UnitKey.InvalidKeyException.class, () -> UnitKey.fromPem(almost));
        assertFalse(e.getMessage().contains("!!!"));
        assertThrows(UnitKey.InvalidKeyException.class, () -> UnitKey.fromPem(null));
        assertThrows(UnitKey.InvalidKeyException.class, () -> UnitKey.fromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"));
    }
}
