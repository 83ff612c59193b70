package io.clipflow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
}
