import DockStoreCore
import Foundation
import Testing

/// Attack 41 R F1 (left then): the dry runs of migrate-ebs and teardown printed a plan that
/// the real run refused in its write preflight (an immutable image). Root's dry run runs the
/// preflight too: it refuses with the real run's one line, exit 2, and nothing changes.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DryRunPreflightIntegrationTests {
    /// Runs `arguments` with and without --dry-run: both refuse with the same line, which
    /// contains `says`, and change nothing.
    func expectBothRefuse(_ root: TestRoot, _ arguments: [String], saying says: String) throws {
        let before = root.snapshot()
        let dry = try root.dockstore(arguments + ["--dry-run"])
        let real = try root.dockstore(arguments)
        #expect(dry.status == ExitStatus.refused.rawValue && dry.stderrLines.count == 1 && dry.stderr.contains(says)
                && !dry.stdout.contains("Plan"), "\(arguments) --dry-run: \(dry.status) \(dry.stdout)\(dry.stderr)")
        #expect(real.status == ExitStatus.refused.rawValue && real.stderr == dry.stderr, "\(arguments): \(real.status) \(real.stdout)\(real.stderr)")
        #expect(root.changes(since: before).isEmpty, "\(arguments): \(root.changes(since: before))")
    }

    @Test func teardownAndMigrateEBSDryRunsRefuseAnImmutableImage() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let device = try root.attachDisk(megabytes: 512)
            _ = try root.sh("chattr +i '\(root.image)'")
            defer { _ = try? root.sh("chattr -i '\(root.image)'") }
            try expectBothRefuse(root, ["teardown", "--delete-image"], saying: root.image)
            try expectBothRefuse(root, ["migrate-ebs", device, "--yes"], saying: root.image)
            #expect(try root.ends(device).allSatisfy { $0 == 0 }, "DATA: the target was written")
            _ = try root.sh("chattr -i '\(root.image)'")
            let dry = try root.dockstore(["teardown", "--delete-image", "--dry-run"])
            #expect(dry.status == 0 && dry.stdout.contains("Plan (dry run, nothing changed):"), "\(dry.stdout)\(dry.stderr)")
        }
    }

    @Test func provisionAndBackendDryRunsRefuseAnImmutableSystemFile() throws {
        try withTestRoot { root in
            let fstab = root.path + "/etc/fstab"
            try root.write(fstab, "# fstab\n")
            _ = try root.sh("chattr +i '\(fstab)'")
            defer { _ = try? root.sh("chattr -i '\(fstab)'") }
            try expectBothRefuse(root, ["provision", "--size", "256M"], saying: fstab)
            #expect(!FileManager.default.fileExists(atPath: root.image), "the image was made")
            _ = try root.sh("chattr -i '\(fstab)'")
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try root.sh("chattr +i '\(root.sysconfig)'")
            defer { _ = try? root.sh("chattr -i '\(root.sysconfig)'") }
            try expectBothRefuse(root, ["backend", "vfs"], saying: root.sysconfig)
        }
    }

    /// Attack 44 O 4f: with the mountpoint's folder immutable (chattr +i /var/lib), teardown's
    /// dry run printed its plan and the real run unmounted, removed fstab's line, the drop-ins
    /// and sysconfig, then failed (exit 1) removing the empty mountpoint. Both refuse first.
    @Test func teardownRefusesAFolderItCannotRemoveBeforeItUnmounts() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let lib = root.path + "/var/lib"
            _ = try root.sh("chattr +i '\(lib)'")
            defer { _ = try? root.sh("chattr -i '\(lib)'") }
            try expectBothRefuse(root, ["teardown"], saying: "\(lib) is immutable")
            #expect(root.mounts().contains { $0.target == root.mountpoint }, "the store was unmounted")
            _ = try root.sh("chattr -i '\(lib)'")
            let run = try root.dockstore(["teardown"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        }
    }
}
