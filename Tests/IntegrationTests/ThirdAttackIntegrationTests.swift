import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The third outside attack on issue 15 (scripts/attacks/issue15-2026-11-30-third.sh): a file
/// put at the image's name while teardown or provision waits at a step, and a pidfile whose
/// number belongs to another program.
@Suite(.serialized) struct ThirdAttackIntegrationTests {
    /// teardown --delete-image deletes only the image it looked at, never a file put at its name since.
    @Test func deleteImageKeepsAFilePutAtTheImagesName() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let result = try root.runStopped(["teardown", "--delete-image"], before: "delete-image") {
                try root.sh("mv '\(root.image)' '\(root.path)/image.moved-aside' && echo precious-data > '\(root.image)'")
            }
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("is another file than the image teardown looked at"), "\(result.stderr)")
            #expect(root.read(root.image) == "precious-data\n", "the file put at the image's name is kept")
            #expect(root.status(root.path + "/image.moved-aside") != nil)
        }
    }

    /// The image's folder swapped for a link to nowhere: teardown does not say it deleted the image.
    @Test func deleteImageDoesNotReportADeleteThatDidNotHappen() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let lib = root.path + "/var/lib"
            let result = try root.runStopped(["teardown", "--delete-image"], before: "delete-image") {
                try root.sh("mv '\(lib)' '\(lib).moved' && ln -s /nonexistent/var/lib '\(lib)'")
            }
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("is gone since teardown looked at it"), "\(result.stderr)")
            #expect(!result.stdout.contains("[delete-image]"), "\(result.stdout)")
            #expect(root.status(lib + ".moved/docker-storage.btrfs") != nil, "the image is still there")
            try root.sh("rm '\(lib)' && mv '\(lib).moved' '\(lib)'")
        }
    }

    /// A pidfile naming a process that is not dockerd (its number reused): teardown neither
    /// reports it as dockerd nor stops it, with or without --stop-docker.
    @Test func aPidfileNamingAnotherProgramIsNotDockerd() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let sleeper = Process()
            sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
            sleeper.arguments = ["60"]
            try sleeper.run()
            defer { kill(sleeper.processIdentifier, SIGKILL); sleeper.waitUntilExit() }
            try root.write(root.path + "/run/docker.pid", "\(sleeper.processIdentifier)\n")
            let plan = try root.dockstore(["teardown", "--dry-run"])
            #expect(!plan.stdout.contains("dockerd") && !plan.stderr.contains("dockerd is running"), "\(plan.stdout) \(plan.stderr)")
            let done = try root.dockstore(["teardown", "--stop-docker"])
            #expect(done.status == 0, "\(done.stdout) \(done.stderr)")
            #expect(!done.stdout.contains("[stop-docker]"), "\(done.stdout)")
            #expect(sleeper.isRunning, "the program the pidfile names was left alone")
        }
    }

    /// A hard link put at the new image's name before the format: refused, the other file untouched.
    @Test func formatRefusesAFileWithAnotherName() throws {
        try withTestRoot { root in
            let outside = root.path + "/outside-blank.img"
            try root.sh("truncate -s 256M '\(outside)'")
            let fresh = root.image + ".dockstore-new"
            let result = try root.runStopped(["provision", "--size", "256M"], before: "format") {
                try root.sh("rm '\(fresh)' && ln '\(outside)' '\(fresh)'")
            }
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("has 2 names (hard links)"), "\(result.stderr)")
            #expect(BlockProbe.probe(outside) == .blank, "the other name's file was not formatted")
            #expect(root.mounts().isEmpty, "nothing mounted")
        }
    }
}
