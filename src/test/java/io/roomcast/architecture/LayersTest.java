package io.roomcast.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Imports point one way (docs/ARCHITECTURE.md, "Layers"): entry points -> application -> delivery ->
 * domain (room, connection, protocol, auth) -> base. A layer may use any layer below it and its own;
 * nothing uses a layer above it, and no two packages depend on each other, not even within a layer.
 * Read from the compiled classes, so every kind of dependency counts (imports, calls, fields,
 * annotations).
 */
@AnalyzeClasses(packages = "io.roomcast", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

    private static final String ENTRY = "entry points";
    private static final String APPLICATION = "application";
    private static final String DELIVERY = "delivery";
    private static final String DOMAIN = "domain";
    private static final String BASE = "base";

    @ArchTest
    static final ArchRule importsPointDown = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer(ENTRY).definedBy("io.roomcast.endpoint..", "io.roomcast.api..", "io.roomcast.web..")
            .layer(APPLICATION).definedBy("io.roomcast.session..", "io.roomcast.handshake..",
                    "io.roomcast.heartbeat..", "io.roomcast.cluster..")
            .layer(DELIVERY).definedBy("io.roomcast.fanout..", "io.roomcast.status..", "io.roomcast.observability..")
            .layer(DOMAIN).definedBy("io.roomcast.room..", "io.roomcast.stream..", "io.roomcast.connection..",
                    "io.roomcast.protocol..", "io.roomcast.auth..")
            .layer(BASE).definedBy("io.roomcast.config..", "io.roomcast.platform..", "io.roomcast.logging..")
            .whereLayer(ENTRY).mayNotBeAccessedByAnyLayer()
            .whereLayer(APPLICATION).mayOnlyBeAccessedByLayers(ENTRY)
            .whereLayer(DELIVERY).mayOnlyBeAccessedByLayers(ENTRY, APPLICATION)
            .whereLayer(DOMAIN).mayOnlyBeAccessedByLayers(ENTRY, APPLICATION, DELIVERY)
            .whereLayer(BASE).mayOnlyBeAccessedByLayers(ENTRY, APPLICATION, DELIVERY, DOMAIN);

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("io.roomcast.(*)..").should().beFreeOfCycles();

    /** The domain knows neither sockets, nor the wire, nor the cluster. */
    @ArchTest
    static final ArchRule roomsKnowNoWireAndNoCluster = com.tngtech.archunit.lang.syntax.ArchRuleDefinition
            .noClasses().that().resideInAnyPackage("io.roomcast.room..", "io.roomcast.stream..")
            .should().dependOnClassesThat().resideInAnyPackage("io.roomcast.protocol..", "io.roomcast.cluster..",
                    "io.roomcast.fanout..", "jakarta.websocket..");

    /**
     * The cluster adapter is the only code that knows there are other instances: CDI wires it to the
     * ports it implements ({@code fanout.Replication}, {@code room.MembersElsewhere},
     * {@code status.FiguresElsewhere}), and no other package names it.
     */
    @ArchTest
    static final ArchRule onlyTheClusterAdapterKnowsTheCluster = com.tngtech.archunit.lang.syntax.ArchRuleDefinition
            .noClasses().that().resideOutsideOfPackage("io.roomcast.cluster..")
            .should().dependOnClassesThat().resideInAPackage("io.roomcast.cluster..");
}
