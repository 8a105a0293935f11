package postgresqlk8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** What `mvn package` leaves: the unpacked charm in target/charm and the same zipped as a .charm. */
class PackedCharmIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm"));
    private static final Path CHARM_FILE = Path.of(System.getProperty("charm.file", "target/postgresql-k8s.charm"));

    @Test
    void unpackedCharm_hasAnExecutableDispatch_andEveryJarItsClassPathNames() throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(CHARM_DIR.resolve("dispatch"));
        assertTrue(mode.contains(PosixFilePermission.OWNER_EXECUTE) && mode.contains(PosixFilePermission.OTHERS_EXECUTE), mode.toString());
        String classPath = Files.readString(CHARM_DIR.resolve("classpath")).strip();
        assertTrue(classPath.startsWith("lib/postgresql-k8s.jar:"), classPath);
        for (String entry : classPath.split(":")) {
            assertTrue(Files.isRegularFile(CHARM_DIR.resolve(entry)), "missing " + entry);
            assertTrue(!entry.startsWith("/"), "class path entries are relative to the charm dir: " + entry);
        }
        for (String file : List.of("metadata.yaml", "actions.yaml", "config.yaml", "manifest.yaml")) {
            assertTrue(Files.isRegularFile(CHARM_DIR.resolve(file)), "missing " + file);
        }
    }

    @Test
    void charmFile_isTheSameCharmZipped_withDispatchExecutable() throws IOException {
        try (ZipFile zip = new ZipFile(CHARM_FILE.toFile())) {
            List<String> names = new ArrayList<>();
            zip.stream().map(ZipEntry::getName).forEach(names::add);
            for (String file : List.of("dispatch", "metadata.yaml", "actions.yaml", "config.yaml", "manifest.yaml",
                    "classpath", "lib/postgresql-k8s.jar")) {
                assertTrue(names.contains(file), "the .charm lacks " + file + ": " + names);
            }
            String classPath = Files.readString(CHARM_DIR.resolve("classpath")).strip();
            for (String entry : classPath.split(":")) {
                assertTrue(names.contains(entry), "the .charm lacks " + entry);
            }
            // Unix mode lives in the high 16 bits of the external attributes; read it from the central directory.
            assertEquals(0755, unixMode(CHARM_FILE, "dispatch") & 0777);
        }
    }

    @Test
    void metadata_declaresTheSidecarWorkload_peers_andTheS3AndTlsEndpoints() throws IOException {
        JsonNode meta = YAML.readTree(CHARM_DIR.resolve("metadata.yaml").toFile());
        assertEquals("postgresql-k8s", meta.get("name").asText());
        assertEquals("postgresql-image", meta.at("/containers/postgresql/resource").asText());
        assertEquals("oci-image", meta.at("/resources/postgresql-image/type").asText());
        assertTrue(meta.at("/resources/postgresql-image/upstream-source").asText()
                        .matches("ghcr\\.io/canonical/charmed-postgresql@sha256:[0-9a-f]{64}"),
                "the workload image is pinned by digest: " + meta.at("/resources/postgresql-image/upstream-source"));
        assertTrue(meta.at("/containers/postgresql/mounts/0/storage").asText().equals("pgdata"));
        assertEquals("filesystem", meta.at("/storage/pgdata/type").asText());
        assertEquals(Set.of("database-peers", "restart", "upgrade"), fieldNames(meta.get("peers")),
                "the Python charm's peer relations: a refresh from it keeps them");
        assertTrue(meta.path("provides").isMissingNode(), "no endpoint the charm does not serve");
        assertEquals("s3", meta.at("/requires/s3-parameters/interface").asText());
        assertEquals(1, meta.at("/requires/s3-parameters/limit").asInt());
        assertEquals("tls-certificates", meta.at("/requires/certificates/interface").asText());
    }

    @Test
    void actions_areTheReferenceOnes_withTheirParameters() throws IOException {
        JsonNode actions = YAML.readTree(CHARM_DIR.resolve("actions.yaml").toFile());
        assertEquals(Set.of("create-backup", "list-backups", "restore"), fieldNames(actions));
        assertEquals("string", actions.at("/create-backup/params/type/type").asText());
        assertEquals("string", actions.at("/restore/params/backup-id/type").asText());
        assertEquals("string", actions.at("/restore/params/restore-to-time/type").asText());
        assertTrue(actions.at("/list-backups/params").isMissingNode());
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> out = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The .charm unpacked as Juju does: modes kept, modification times not. */
    private static Path unpackAsJuju(Path into) throws IOException, InterruptedException {
        String script = "import os, sys, zipfile\n"
                + "z = zipfile.ZipFile(sys.argv[1])\n"
                + "for i in z.infolist():\n"
                + "    p = z.extract(i, sys.argv[2])\n"
                + "    m = (i.external_attr >> 16) & 0o777\n"
                + "    if m: os.chmod(p, m)\n";
        Process p = new ProcessBuilder("python3", "-c", script, CHARM_FILE.toAbsolutePath().toString(), into.toString())
                .inheritIO().start();
        assertEquals(0, p.waitFor());
        return into;
    }

    /** A PATH with the hook tools an update-status asks for, and stat/touch, but no java. */
    private static Path toolsWithoutJava(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String tool = "#!/bin/sh\ncase \"${0##*/}\" in is-leader) echo true;; relation-ids) echo '[]';;"
                + " status-get) echo '{\"status\":\"active\",\"message\":\"\"}';; config-get) echo '{}';;"
                + " goal-state) echo '{\"units\":{},\"relations\":{}}';; esac\n";
        for (String name : List.of("is-leader", "relation-ids", "status-get", "status-set", "juju-log", "config-get", "goal-state")) {
            Files.writeString(bin.resolve(name), tool);
            Files.setPosixFilePermissions(bin.resolve(name), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createSymbolicLink(bin.resolve("stat"), Path.of("/usr/bin/stat"));
        Files.createSymbolicLink(bin.resolve("touch"), Path.of("/usr/bin/touch"));
        return bin;
    }

    private static Process dispatch(Path charm, Path path, String extraOpts) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(charm.resolve("dispatch").toString()).directory(charm.toFile());
        pb.environment().clear();
        pb.environment().putAll(java.util.Map.of("PATH", path.toString(), "JUJU_DISPATCH_PATH", "hooks/update-status",
                "JUJU_UNIT_NAME", "postgresql-k8s/0", "JUJU_MODEL_NAME", "m", "JUJU_CHARM_DIR", charm.toString(),
                "CHARM_JAVA_OPTS", extraOpts));
        return pb.redirectErrorStream(true).start();
    }

    @Test
    void charmFile_unpackedAsJujuDoes_runsAHookOnItsOwnRuntime_withTheArchiveAccepted(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        assertEquals(0755, unixMode(CHARM_FILE, "jre/bin/java") & 0777);
        Path charm = unpackAsJuju(Files.createDirectories(tmp.resolve("charm")));
        Path jar = charm.resolve("lib/postgresql-k8s.jar");
        assertTrue(Files.isRegularFile(charm.resolve("lib/charm.jsa")), "the .charm carries the archive");
        assertTrue(Files.getLastModifiedTime(jar).toMillis() / 1000 != 315532800L, "unpacking kept no time");
        Path path = toolsWithoutJava(tmp);
        // -Xshare:on: a refused archive is a failed JVM start, not a silent slow one.
        Process hook = dispatch(charm, path, "-Xshare:on");
        String out = new String(hook.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, hook.waitFor(), out);
        assertEquals(315532800L, Files.getLastModifiedTime(jar).toMillis() / 1000, "dispatch put the jars' time back");
    }

    @Test
    void dispatch_withoutARuntime_saysSo(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path charm = unpackAsJuju(Files.createDirectories(tmp.resolve("charm")));
        new ProcessBuilder("rm", "-rf", charm.resolve("jre").toString()).start().waitFor();
        Process hook = dispatch(charm, toolsWithoutJava(tmp), "");
        String out = new String(hook.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, hook.waitFor());
        assertTrue(out.contains("dispatch: no Java runtime"), out);
    }

    /** Reads an entry's Unix mode from the zip's central directory (java.util.zip does not expose it). */
    private static int unixMode(Path zip, String name) throws IOException {
        byte[] all = Files.readAllBytes(zip);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 < all.length; i++) {
            if (buf.getInt(i) == 0x02014b50) {
                int nameLen = buf.getShort(i + 28) & 0xffff;
                int extraLen = buf.getShort(i + 30) & 0xffff;
                int commentLen = buf.getShort(i + 32) & 0xffff;
                String entry = new String(all, i + 46, nameLen, java.nio.charset.StandardCharsets.UTF_8);
                if (entry.equals(name)) {
                    return buf.getInt(i + 38) >>> 16;
                }
                i += 45 + nameLen + extraLen + commentLen;
            }
        }
        throw new AssertionError(name + " not in " + zip);
    }
}
