package io.clipflow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.ListOperations;
import org.springframework.data.repository.Repository;

class ArchitectureTest {

    static JavaClasses main;

    @BeforeAll
    static void importMain() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.clipflow");
    }

    @Test
    void onlyTheQueueFeatureTouchesRedisLists() {
        // queue lists carry the delivery guarantees; one class owns every push, move and remove
        noClasses()
                .that()
                .resideOutsideOfPackage("io.clipflow.queue..")
                .should()
                .dependOnClassesThat()
                .areAssignableTo(ListOperations.class)
                .check(main);
    }

    @Test
    void repositoriesAreNotPublic() {
        // a feature's data is reached through its service, which owns the state rules
        classes()
                .that()
                .areAssignableTo(Repository.class)
                .should()
                .notBePublic()
                .check(main);
    }

    @Test
    void mediaDoesNotKnowAboutVideosQueuesOrHttp() {
        // FFmpeg code stays reusable by any route and testable without the app
        noClasses()
                .that()
                .resideInAPackage("io.clipflow.media..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.clipflow.video..", "io.clipflow.queue..", "io.clipflow.task..", "org.springframework.web..")
                .check(main);
    }

    @Test
    void routesReachJavaOnlyThroughBeansNotThroughCamelInternalsInDomainCode() {
        // domain services stay plain Java; Camel types belong to the route-facing beans and the queue component
        noClasses()
                .that()
                .resideInAnyPackage("io.clipflow.storage..", "io.clipflow.security..", "io.clipflow.media..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.camel..")
                .check(main);
    }

    @Test
    void featurePackagesAreFreeOfCycles() {
        // a cycle means neither side can be understood, tested or changed alone
        slices().matching("io.clipflow.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void theWireFormatDependsOnNoOtherFeatureNorOnAFramework() {
        // celery/ is Celery's protocol as data: it must stay byte-exact and testable without Spring, Redis or Camel
        noClasses()
                .that()
                .resideInAPackage("io.clipflow.celery..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.clipflow.config..",
                        "io.clipflow.storage..",
                        "io.clipflow.media..",
                        "io.clipflow.exec..",
                        "io.clipflow.lock..",
                        "io.clipflow.web..",
                        "io.clipflow.security..",
                        "io.clipflow.notify..",
                        "io.clipflow.task..",
                        "io.clipflow.queue..",
                        "io.clipflow.upload..",
                        "io.clipflow.video..",
                        "io.clipflow.stage..",
                        "io.clipflow.schedule..",
                        "io.clipflow.ops..",
                        "org.springframework..",
                        "org.apache.camel..",
                        "redis..",
                        "io.lettuce..")
                .check(main);
    }

    @Test
    void notifyImportsNoFeature() {
        // notify/ is transport: features plug in access rules and snapshots through its interfaces
        noClasses()
                .that()
                .resideInAPackage("io.clipflow.notify..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.clipflow.celery..",
                        "io.clipflow.task..",
                        "io.clipflow.queue..",
                        "io.clipflow.upload..",
                        "io.clipflow.video..",
                        "io.clipflow.stage..",
                        "io.clipflow.schedule..",
                        "io.clipflow.ops..")
                .check(main);
    }

    @Test
    void layersDependOnlyDownwards() {
        // the picture in docs/architecture.md, enforced: wire format, base, transport, bookkeeping, delivery, features
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("celery")
                .definedBy("io.clipflow.celery..")
                .layer("base")
                .definedBy(
                        "io.clipflow.config..",
                        "io.clipflow.storage..",
                        "io.clipflow.media..",
                        "io.clipflow.exec..",
                        "io.clipflow.lock..",
                        "io.clipflow.web..",
                        "io.clipflow.security..")
                .layer("notify")
                .definedBy("io.clipflow.notify..")
                .layer("task")
                .definedBy("io.clipflow.task..")
                .layer("queue")
                .definedBy("io.clipflow.queue..")
                .layer("features")
                .definedBy(
                        "io.clipflow.upload..",
                        "io.clipflow.video..",
                        "io.clipflow.stage..",
                        "io.clipflow.schedule..",
                        "io.clipflow.ops..")
                .whereLayer("features")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("queue")
                .mayOnlyBeAccessedByLayers("features")
                .whereLayer("task")
                .mayOnlyBeAccessedByLayers("queue", "features")
                .whereLayer("notify")
                .mayOnlyBeAccessedByLayers("task", "queue", "features")
                .whereLayer("base")
                .mayOnlyBeAccessedByLayers("notify", "task", "queue", "features")
                .check(main);
    }
}
