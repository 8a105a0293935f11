package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** backup-compression and backup-process-max as config-get gives them. */
class TuningOptionsTest {

    private static TuningOptions valid(Map<String, Object> config) {
        return assertInstanceOf(TuningOptions.Valid.class, TuningOptions.read(config)).options();
    }

    private static String invalid(Map<String, Object> config) {
        return assertInstanceOf(TuningOptions.Invalid.class, TuningOptions.read(config)).status();
    }

    @Test
    void unset_isZstAndDerived() {
        assertEquals(new TuningOptions("zst", 0), valid(Map.of()));
    }

    @Test
    void everyCompressTypeOfPgBackRest_isTaken() {
        for (String c : new String[] {"zst", "lz4", "gz", "bz2", "none"}) {
            assertEquals(c, valid(Map.of("backup-compression", c)).compression());
        }
    }

    @Test
    void anotherCompression_namesTheOptionAndTheAllowedValues() {
        assertEquals("invalid backup-compression 'ZST': allowed zst, lz4, gz, bz2, none",
                invalid(Map.of("backup-compression", "ZST")));
        assertEquals("invalid backup-compression '': allowed zst, lz4, gz, bz2, none",
                invalid(Map.of("backup-compression", "")));
    }

    @Test
    void processMax_zeroTo999() {
        assertEquals(0, valid(Map.of("backup-process-max", 0L)).processMax());
        assertEquals(999, valid(Map.of("backup-process-max", 999L)).processMax());
        assertEquals("invalid backup-process-max '1000': allowed 0 (from the pod's CPUs) to 999",
                invalid(Map.of("backup-process-max", 1000L)));
        assertEquals("invalid backup-process-max '-2': allowed 0 (from the pod's CPUs) to 999",
                invalid(Map.of("backup-process-max", -2L)));
    }

    @Test
    void processMax_ofTheWrongType_isInvalid_notAnException() {
        assertEquals("invalid backup-process-max 'four': allowed 0 (from the pod's CPUs) to 999",
                invalid(Map.of("backup-process-max", "four")));
    }

    @Test
    void encode_decode_roundTrip_andGarbageReadsAsTheDefaults() {
        TuningOptions o = new TuningOptions("bz2", 7);
        assertEquals(o, TuningOptions.decode(o.encode()));
        assertEquals(TuningOptions.DEFAULTS, TuningOptions.decode("snappy 3"));
        assertEquals(TuningOptions.DEFAULTS, TuningOptions.decode(""));
    }
}
