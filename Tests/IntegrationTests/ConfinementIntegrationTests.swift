import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Everything under --root resolves inside it: links in the tree — absolute ones, as image
/// trees have, and relative ones climbing past the root with `..` — lead into the tree, never
/// onto the host. A decoy folder beside the root, which every link names by its host path,
/// holds a sentinel at each place dockstore reads or writes; its hash must not change. The
/// oracle for "inside the tree" is the kernel itself: busybox run chrooted into the root sees
/// the tree as the booted image will. Each case runs twice: with openat2, and under the
/// `NoOpenat2` seccomp launcher (openat2 fails with ENOSYS, as before Linux 5.6), where
/// dockstore walks each path by hand; the outcomes must be the same.
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct ConfinementIntegrationTests {
    static let sentinels = ["etc/fstab", "etc/sysconfig/docker", "etc/sysconfig/dockstore", "etc/docker/daemon.json",
                            "etc/systemd/system/docker.service.d/dockstore.conf", "etc/systemd/system/var-lib-docker.mount.d/dockstore.conf",
                            "etc/dockstore.disabled",
                            "var/lib/docker-storage.btrfs", "var/lib/dockstore/migration.json", "run/dockstore.lock"]

    /// The folders a link replaces, one at a time.
    static let levels = ["etc", "etc/systemd", "etc/systemd/system", "etc/systemd/system/docker.service.d",
                         "etc/systemd/system/var-lib-docker.mount.d",
                         "etc/sysconfig", "etc/docker", "var", "var/lib", "run"]

    /// A folder outside the root (beside it) holding a sentinel where each file would be.
    struct Decoy {
        let path: String

        init(beside root: TestRoot) throws {
            path = root.path + ".decoy"
            for file in ConfinementIntegrationTests.sentinels {
                try root.write("\(path)/\(file)", "decoy: nothing may read or write this\n")
            }
            try root.sh("mkdir -p '\(path)/var/lib/docker'")
        }

        func hash(_ root: TestRoot) throws -> String {
            try root.sh("cd '\(path)' && find . -printf '%p %y %m %s %T@ %l\\n' | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort")
        }

        func remove() { _ = try? FileManager.default.removeItem(atPath: path) }
    }

    /// Replaces the tree's folder `level` by a link naming the decoy's (absolute, or relative
    /// with more `..` than the root is deep); inside the tree it means `<root><decoy>/<level>`,
    /// where the folder's contents go.
    func link(_ level: String, in root: TestRoot, decoy: Decoy, absolute: Bool) throws {
        let inTree = root.path + decoy.path + "/" + level
        try root.sh("mkdir -p '\((inTree as NSString).deletingLastPathComponent)'")
        if FileManager.default.fileExists(atPath: root.path + "/" + level) {
            try root.sh("mv '\(root.path)/\(level)' '\(inTree)'")
        } else {
            try root.sh("mkdir -p '\(inTree)' && mkdir -p '\((root.path + "/" + level as NSString).deletingLastPathComponent)'")
        }
        let depth = root.path.split(separator: "/").count + level.split(separator: "/").count + 2
        let target = absolute ? decoy.path + "/" + level
            : String(repeating: "../", count: depth) + decoy.path.dropFirst() + "/" + level
        try FileManager.default.createSymbolicLink(atPath: root.path + "/" + level, withDestinationPath: target)
    }

    /// Runs busybox chrooted into the root: the kernel resolves every link inside the tree.
    func inTree(_ root: TestRoot, _ command: String) throws -> RunResult {
        if !FileManager.default.fileExists(atPath: root.path + "/.oracle/busybox") {
            try root.sh("mkdir -p '\(root.path)/.oracle' && cp /bin/busybox '\(root.path)/.oracle/busybox' && chroot '\(root.path)' /.oracle/busybox --install -s /.oracle")
        }
        return try root.run("/usr/sbin/chroot", [root.path, "/.oracle/busybox", "sh", "-c", "PATH=/.oracle; " + command])
    }

    func withDecoy(_ resolver: PathResolver, _ body: (TestRoot, Decoy) throws -> Void) throws {
        try withTestRoot { root in
            // The launcher is built before any snapshot is taken.
            if resolver == .fallback { _ = try NoOpenat2.build(in: root.path + "/.oracle", using: root) }
            let decoy = try Decoy(beside: root)
            defer { decoy.remove() }
            try body(root, decoy)
        }
    }

    @Test(arguments: levels.flatMap { level in PathResolver.allCases.flatMap { [(level, true, $0), (level, false, $0)] } })
    func provisionBackendAndTeardownStayInsideTheTree(_ level: String, _ absolute: Bool, _ resolver: PathResolver) throws {
        try withDecoy(resolver) { root, decoy in
            try link(level, in: root, decoy: decoy, absolute: absolute)
            let before = try decoy.hash(root)
            let provision = try root.dockstore(["provision", "--size", "1G"], resolver: resolver)
            #expect(provision.status == 0, "\(level): \(provision.stderr)")
            #expect(try inTree(root, "cat /etc/fstab").stdout.contains("/var/lib/docker-storage.btrfs /var/lib/docker btrfs"))
            #expect(try inTree(root, "cat /etc/systemd/system/docker.service.d/dockstore.conf").stdout.contains("AssertPathIsMountPoint=/var/lib/docker\n"))
            #expect(try inTree(root, "cat /etc/sysconfig/docker").stdout.contains("DOCKER_OPTS=\"--storage-driver=btrfs\""))
            let mountpoint = try inTree(root, "readlink -f /var/lib/docker").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            // The mount unit as systemd-fstab-generator names it: the line's path with its links
            // resolved in the tree (attack 33 T 15), escaped as systemd-escape does.
            let unit = try root.run("/usr/bin/systemd-escape", ["--path", "--suffix=mount", mountpoint]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try inTree(root, "cat '/etc/systemd/system/\(unit).d/dockstore.conf'").stdout.contains("ConditionPathExists=/var/lib/docker-storage.btrfs\n"), "\(unit)")
            #expect(try inTree(root, "cat /etc/systemd/system/docker.service.d/dockstore.conf").stdout.contains("Wants=\(unit)\n"))
            #expect(root.mounts().map(\.target) == [root.path + mountpoint], "mounted inside the tree")
            let image = try inTree(root, "readlink -f /var/lib/docker-storage.btrfs").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try inTree(root, "test -f \(image) && test -s \(image)").status == 0, "the image is inside the tree")

            let backend = try root.dockstore(["backend", "vfs", "--force"], resolver: resolver)
            #expect(backend.status == 0, "\(level): \(backend.stderr)")
            #expect(try inTree(root, "cat /etc/sysconfig/docker").stdout.contains("DOCKER_OPTS=\"--storage-driver=vfs\""))

            let teardown = try root.dockstore(["teardown", "--delete-image"], resolver: resolver)
            #expect(teardown.status == 0, "\(level): \(teardown.stderr)")
            #expect(root.mounts().isEmpty)
            #expect(try inTree(root, "test -e /etc/systemd/system/docker.service.d/dockstore.conf").status != 0)
            #expect(try inTree(root, "test -e '/etc/systemd/system/\(unit).d/dockstore.conf'").status != 0)
            #expect(try inTree(root, "test -e /var/lib/docker-storage.btrfs").status != 0)
            #expect(try inTree(root, "cat /etc/fstab").stdout.contains("docker-storage") == false)
            #expect(try decoy.hash(root) == before, "nothing outside --root changed (\(level), \(absolute ? "absolute" : "relative") link)")
        }
    }

    @Test(arguments: PathResolver.allCases)
    func migrationJournalAndFstabStayInsideTheTree(_ resolver: PathResolver) throws {
        try withDecoy(resolver) { root, decoy in
            try link("etc", in: root, decoy: decoy, absolute: true)
            try root.sh("mkdir -p '\(root.path)/var/lib/dockstore'")
            try link("var/lib/dockstore", in: root, decoy: decoy, absolute: true)
            let before = try decoy.hash(root)
            try #require(try root.dockstore(["provision", "--size", "1G"], resolver: resolver).status == 0)
            let disk = try root.attachDisk(megabytes: 2048)
            let killed = try root.dockstore(["migrate-ebs", disk, "--yes"], resolver: resolver, environment: ["DOCKSTORE_FAILPOINT": "journal"])
            #expect(killed.signal == SIGKILL)
            #expect(try inTree(root, "cat /var/lib/dockstore/migration.json").status == 0, "the journal is inside the tree")
            #expect(try decoy.hash(root) == before)
            let result = try root.dockstore(["migrate-ebs", disk, "--yes"], resolver: resolver)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try inTree(root, "grep -v '^#' /etc/fstab").stdout.hasPrefix("UUID="), "the store line names the volume by UUID")
            #expect(try inTree(root, "test -e /var/lib/dockstore/migration.json").status != 0)
            #expect(try decoy.hash(root) == before, "nothing outside --root changed")
        }
    }

    @Test(arguments: ["etc/fstab", "var/lib/docker-storage.btrfs"], PathResolver.allCases)
    func aFileThatIsALinkIsRefusedAndNothingChanges(_ file: String, _ resolver: PathResolver) throws {
        try withDecoy(resolver) { root, decoy in
            try FileManager.default.createSymbolicLink(atPath: root.path + "/" + file, withDestinationPath: decoy.path + "/" + file)
            let before = (try decoy.hash(root), root.snapshot())
            let result = try root.dockstore(["provision", "--size", "1G"], resolver: resolver)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("symbolic link"), "\(result.stderr)")
            #expect(try decoy.hash(root) == before.0)
            #expect(root.changes(since: before.1) == [])
        }
    }

    @Test(arguments: PathResolver.allCases)
    func aLinkToAFolderMissingInTheTreeIsNotFollowedOntoTheHost(_ resolver: PathResolver) throws {
        try withDecoy(resolver) { root, decoy in
            try root.sh("mkdir -p '\(root.path)/etc/systemd'")
            // The decoy has etc/systemd/system on the host; the tree has nothing there.
            try FileManager.default.createSymbolicLink(atPath: root.path + "/etc/systemd/system", withDestinationPath: decoy.path + "/etc/systemd/system")
            let before = try decoy.hash(root)
            let result = try root.dockstore(["provision", "--size", "1G"], resolver: resolver)
            #expect(result.status != 0)
            #expect(result.stderr.contains("\(root.path)/etc/systemd/system is a symbolic link to a folder that does not exist inside"), "\(result.stderr)")
            #expect(try decoy.hash(root) == before, "nothing outside --root changed")
        }
    }
}
