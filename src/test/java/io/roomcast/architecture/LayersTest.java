package io.roomcast.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Imports point one way (docs/ARCHITECTURE.md, "Layers"): entry points -> application -> rooms and
 * delivery (the room feature, status, observability) -> domain (room events, streams, connection,
 * protocol, auth) -> base. A layer may use any layer below it and its own; nothing uses a layer above it,
 * and no two packages depend on each other, not even within a layer (a sub-package counts as a package
 * of its own). Read from the compiled classes, so every kind of dependency counts (imports, calls,
 * fields, annotations).
 */
@AnalyzeClasses(packages = "io.roomcast", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

    private static final String ENTRY = "entry points";
    private static final String APPLICATION = "application";
    private static final String ROOMS = "rooms and delivery";
    private static final String DOMAIN = "domain";
    private static final String BASE = "base";

    @ArchTest
    static final ArchRule importsPointDown = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer(ENTRY).definedBy("io.roomcast.endpoint..", "io.roomcast.api..", "io.roomcast.web..")
            .layer(APPLICATION).definedBy("io.roomcast.session..", "io.roomcast.handshake..",
                    "io.roomcast.heartbeat..", "io.roomcast.cluster..", "io.roomcast.durable..")
            .layer(ROOMS).definedBy("io.roomcast.room", "io.roomcast.status..", "io.roomcast.observability..")
            .layer(DOMAIN).definedBy("io.roomcast.room.event..", "io.roomcast.stream..", "io.roomcast.connection..",
                    "io.roomcast.protocol..", "io.roomcast.auth..")
            .layer(BASE).definedBy("io.roomcast.config..", "io.roomcast.platform..", "io.roomcast.logging..",
                    "io.roomcast.scheduling..", "io.roomcast.tracing..")
            .whereLayer(ENTRY).mayNotBeAccessedByAnyLayer()
            .whereLayer(APPLICATION).mayOnlyBeAccessedByLayers(ENTRY)
            .whereLayer(ROOMS).mayOnlyBeAccessedByLayers(ENTRY, APPLICATION)
            .whereLayer(DOMAIN).mayOnlyBeAccessedByLayers(ENTRY, APPLICATION, ROOMS)
            .whereLayer(BASE).mayOnlyBeAccessedByLayers(ENTRY, APPLICATION, ROOMS, DOMAIN);

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("io.roomcast.(**)").should().beFreeOfCycles();

    /**
     * The room feature and the streams know neither sockets nor the cluster nor the database (the store's
     * adapters implement their ports); the streams know no wire either.
     */
    @ArchTest
    static final ArchRule roomsKnowNoSocketsAndNoCluster = com.tngtech.archunit.lang.syntax.ArchRuleDefinition
            .noClasses().that().resideInAnyPackage("io.roomcast.room..", "io.roomcast.stream..")
            .should().dependOnClassesThat().resideInAnyPackage("io.roomcast.cluster..", "io.roomcast.durable..",
                    "jakarta.websocket..", "java.sql..");

    @ArchTest
    static final ArchRule streamsKnowNoWire = com.tngtech.archunit.lang.syntax.ArchRuleDefinition
            .noClasses().that().resideInAnyPackage("io.roomcast.stream..")
            .should().dependOnClassesThat().resideInAnyPackage("io.roomcast.protocol..");

    /**
     * The room feature has one entry point: the endpoints, the session layer and the HTTP API ask
     * {@code room.Rooms} for all room work, with {@code RoomCommand}s, and get {@code RoomResult}s back;
     * they name no other class of the feature (nor its events).
     */
    @ArchTest
    static final ArchRule roomWorkGoesThroughTheEntryPoint = com.tngtech.archunit.lang.syntax.ArchRuleDefinition
            .noClasses().that().resideInAnyPackage("io.roomcast.endpoint..", "io.roomcast.api..", "io.roomcast.session..")
            .should().dependOnClassesThat(resideInAPackage("io.roomcast.room..")
                    .and(not(nameMatching("io\\.roomcast\\.room\\.(Rooms|RoomCommand(\\$.*)?|RoomResult(\\$.*)?)"))));

    /**
     * The wire formats live in {@code protocol} (the JSON frames and their encoder, the chat lines): the room
     * feature, the session layer and the streams build frames from its records and functions and write
     * no JSON of their own.
     */
    @ArchTest
    static final ArchRule theWireFormatsLiveInProtocol = com.tngtech.archunit.lang.syntax.ArchRuleDefinition
            .noClasses().that().resideInAnyPackage("io.roomcast.room..", "io.roomcast.session..", "io.roomcast.stream..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.json..");

    /** The events are the plain vocabulary that the feature, the streams and the cluster share: they use nothing of ours. */
    @ArchTest
    static final ArchRule roomEventsArePlainData = com.tngtech.archunit.lang.syntax.ArchRuleDefinition
            .noClasses().that().resideInAPackage("io.roomcast.room.event..")
            .should().dependOnClassesThat().resideOutsideOfPackages("io.roomcast.room.event..", "java..");

    /**
     * The cluster adapter is the only code that knows there are other instances: CDI wires it to the
     * ports it implements ({@code room.Replication}, {@code room.MembersElsewhere},
     * {@code status.FiguresElsewhere}), and no other package names it.
     */
    @ArchTest
    static final ArchRule onlyTheClusterAdapterKnowsTheCluster = com.tngtech.archunit.lang.syntax.ArchRuleDefinition
            .noClasses().that().resideOutsideOfPackage("io.roomcast.cluster..")
            .should().dependOnClassesThat().resideInAPackage("io.roomcast.cluster..");

    /**
     * Roomcast's own threads are the scheduler's ({@code scheduling.ApplicationScheduler}): one lifecycle,
     * named lanes, all stopped together. No other class makes a thread or a thread pool. No exceptions:
     * the JVM shutdown hook, which has to be a {@code Thread}, is made by the scheduler too.
     */
    @ArchTest
    static final ArchRule onlyTheSchedulerMakesThreads = com.tngtech.archunit.lang.syntax.ArchRuleDefinition
            .noClasses().that().resideOutsideOfPackage("io.roomcast.scheduling..")
            .should().callMethodWhere(target(owner(type(Executors.class))).and(target(nameMatching("new.*"))))
            .orShould().callConstructorWhere(target(owner(assignableTo(Thread.class)
                    .or(assignableTo(ThreadPoolExecutor.class)).or(assignableTo(ForkJoinPool.class)))))
            .because("the application's threads have one owner and one lifecycle (docs/ARCHITECTURE.md, \"Threads\")");
}
