package io.roomcast.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * Payara Micro's runtime unpacked once per test JVM, with a class-data archive of what a boot of Roomcast
 * loads, so that each Payara Micro the tests start spends its CPU on booting, not on unpacking 100 MB of
 * jars and parsing 17,000 classes again. Measured on this 2-core machine (docs/TESTING.md): a boot with
 * the WAR took 8.7-9.4 s of CPU as {@code java -jar payara-micro.jar}, 8.3 s from the unpacked runtime
 * and 5.8-6.7 s with the archive.
 *
 * <p>This is Payara Micro's own documented form, {@code java -jar payara-micro.jar --rootdir R
 * --outputlauncher} and then {@code R/launch-micro.jar}, except that the runtime's jars are shared: the
 * launcher always makes its own directory the instance's root, so servers side by side would share one
 * {@code domain.xml}. Instead each server runs the launcher's main class with a root directory of its own
 * ({@link #instanceRoot}: the fresh {@code config}, {@code docroot} and {@code lib} the launcher's
 * directory was given), with the two system properties and the module options the launcher would have
 * set. The class-data archive ({@code -XX:SharedArchiveFile}, JDK 13 on) is dumped at the exit of one
 * {@code --warmup} boot of the WAR with the shipped pre-boot file; it needs the same class path in every
 * JVM that maps it, hence the one shared launcher. If the archive cannot be made, servers boot without
 * it (the JVM's {@code -Xshare:auto}), only slower.
 *
 * <p>The benchmarks and {@code mvn -Prun} run {@code java -jar payara-micro.jar} as an operator would.
 */
final class MicroRuntime {

    private static final String LAUNCHER_CLASS = "fish.payara.micro.impl.PayaraMicroImpl";
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);

    private final Path jar;
    private final Path root;
    private final Path launcher;
    private final List<String> moduleOptions;
    private final Optional<Path> archive;

    private MicroRuntime(Path jar, Path root, Path launcher, List<String> moduleOptions, Optional<Path> archive) {
        this.jar = jar;
        this.root = root;
        this.launcher = launcher;
        this.moduleOptions = moduleOptions;
        this.archive = archive;
    }

    /**
     * The runtime of the build's payara-micro.jar and WAR (system properties {@code payara.microJar},
     * {@code roomcast.war}), prepared by the first caller in this test JVM.
     */
    static MicroRuntime shared() {
        return Holder.RUNTIME;
    }

    /** Whether servers of {@code microJar} can run from this runtime (another jar runs as {@code java -jar}). */
    boolean unpackedFrom(Path microJar) {
        return jar.equals(microJar.toAbsolutePath().normalize());
    }

    /**
     * JVM options and main class with its first arguments, for a server rooted at {@code instanceRoot}:
     * what follows is Payara Micro's own options ({@code --deploy} ...).
     */
    List<String> launch(Path instanceRoot) {
        List<String> command = new ArrayList<>(moduleOptions);
        archive.ifPresent(a -> command.add("-XX:SharedArchiveFile=" + a));
        command.add("-Dfish.payara.micro.BootJar=" + launcher.toUri());
        command.add("-Dfish.payara.micro.UnpackDir=" + root);
        command.addAll(List.of("-cp", launcher.toString(), LAUNCHER_CLASS, "--rootdir", instanceRoot.toString()));
        return command;
    }

    /** A fresh instance root at {@code instanceRoot}, as an unpacked payara-micro.jar starts with: what an earlier run left is gone. */
    void prepareInstanceRoot(Path instanceRoot) throws IOException {
        ServerTools.deleteTree(instanceRoot);
        for (String part : List.of("config", "docroot", "lib")) {
            Path source = root.resolve(part);
            if (Files.exists(source)) {
                ServerTools.copyTree(source, instanceRoot.resolve(part), relative -> false);
            }
        }
    }

    /** Once per test JVM, by class initialisation on first use, so once even when servers start side by side. */
    private static final class Holder {
        private static final MicroRuntime RUNTIME = prepare(
                Path.of(ServerTools.required("payara.microJar", "failsafe")).toAbsolutePath().normalize(),
                Path.of(ServerTools.required("roomcast.war", "failsafe")).toAbsolutePath());

        private static MicroRuntime prepare(Path microJar, Path war) {
            Path buildDir = war.getParent();
            Path root = buildDir.resolve("payara-micro-runtime");
            Path log = buildDir.resolve("payara-micro-runtime.log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            try {
                ServerTools.deleteTree(root);
                ServerTools.note(log, "unpacking " + microJar + " into " + root);
                ServerTools.runLogged(new ProcessBuilder(java, "-jar", microJar.toString(), "--rootdir", root.toString(),
                        "--outputlauncher").directory(buildDir.toFile()), log, TOOL_TIMEOUT, "payara-micro --outputlauncher");
                Path launcher = root.resolve("launch-micro.jar");
                MicroRuntime plain = new MicroRuntime(microJar, root, launcher, moduleOptions(launcher), Optional.empty());
                return new MicroRuntime(microJar, root, launcher, plain.moduleOptions,
                        dumpArchive(plain, java, war, buildDir, log));
            } catch (IOException e) {
                throw new UncheckedIOException("could not unpack Payara Micro; see " + log, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted unpacking Payara Micro", e);
            }
        }

        /** One {@code --warmup} boot of the WAR that writes the archive as its JVM exits; empty if none came of it. */
        private static Optional<Path> dumpArchive(MicroRuntime plain, String java, Path war, Path buildDir, Path log)
                throws IOException, InterruptedException {
            Path archive = plain.root.resolve("roomcast-boot.jsa");
            Path instance = buildDir.resolve("payara-micro-archive-root");
            plain.prepareInstanceRoot(instance);
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(List.of(TestJvm.SERVER_OPTIONS));
            command.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                    "-Djava.io.tmpdir=" + Files.createDirectories(buildDir.resolve("payara-micro-archive-tmp"))));
            command.addAll(plain.launch(instance));
            command.addAll(List.of("--deploy", war.toString(), "--contextroot", "/", "--nocluster", "--warmup",
                    "--port", Integer.toString(PayaraMicroProcess.freePort())));
            String preBoot = System.getProperty("roomcast.preBoot");
            if (preBoot != null) {
                command.addAll(List.of("--prebootcommandfile", preBoot));
            }
            ServerTools.note(log, "archiving the classes of a boot: " + String.join(" ", command));
            try {
                ServerTools.runLogged(new ProcessBuilder(command).directory(buildDir.toFile()), log, TOOL_TIMEOUT,
                        "payara-micro --warmup");
            } catch (IllegalStateException e) {
                ServerTools.note(log, "no archive, servers boot without it: " + e.getMessage());
                return Optional.empty();
            } finally {
                ServerTools.deleteTree(instance);
            }
            return Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
        }

        /** The launcher's {@code Add-Opens} and {@code Add-Exports}, which only {@code java -jar} reads from its manifest. */
        private static List<String> moduleOptions(Path launcher) throws IOException {
            try (JarFile jar = new JarFile(launcher.toFile())) {
                Attributes main = jar.getManifest().getMainAttributes();
                List<String> options = new ArrayList<>();
                for (String pkg : words(main.getValue("Add-Opens"))) {
                    options.add("--add-opens=" + pkg + "=ALL-UNNAMED");
                }
                for (String pkg : words(main.getValue("Add-Exports"))) {
                    options.add("--add-exports=" + pkg + "=ALL-UNNAMED");
                }
                return List.copyOf(options);
            }
        }

        private static List<String> words(String value) {
            return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
        }
    }
}
