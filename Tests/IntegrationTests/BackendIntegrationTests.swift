import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `dockstore backend` on real files under a temporary --root. The daemon.json holds no key
/// DOCKER_OPTS sets as a flag: dockerd refuses that (attack 11, B01), and backend with it.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct BackendIntegrationTests {
    static let sysconfig = "\n## Path           : System/Management\n## Type           : string\n#\nDOCKER_OPTS=\"--log-level=warn -s overlay2 --storage-opt overlay2.size=10G\"\nOTHER=1\n"
    static let daemon = "{\n  \"max-concurrent-downloads\": 3,\n  \"storage-driver\": \"overlay2\",\n  \"debug\": true\n}\n"

    func prepare(_ root: TestRoot) throws {
        try root.write(root.sysconfig, Self.sysconfig)
        try root.write(root.path + "/etc/docker/daemon.json", Self.daemon)
        try root.sh("mkdir -p \(root.mountpoint)")
    }

    @Test func rewritesBothFilesWithBackupsAndADiff() throws {
        try withTestRoot { root in
            try prepare(root)
            let result = try root.dockstore(["backend", "vfs", "--storage-opt", "size=5G"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("-DOCKER_OPTS=\"--log-level=warn -s overlay2 --storage-opt overlay2.size=10G\""))
            #expect(result.stdout.contains("+DOCKER_OPTS=\"--log-level=warn --storage-driver=vfs --storage-opt=size=5G\""))
            #expect(result.stderr.contains("restart Docker"))
            // The admin's line is recorded right above the line it became (teardown gives it back).
            let line = "DOCKER_OPTS=\"--log-level=warn -s overlay2 --storage-opt overlay2.size=10G\"\n"
            #expect(root.read(root.sysconfig) == Self.sysconfig.replacingOccurrences(of: line, with: SysconfigFile.changedMarkPrefix + line
                + "DOCKER_OPTS=\"--log-level=warn --storage-driver=vfs --storage-opt=size=5G\"\n"))
            #expect(root.read(root.sysconfig + ".dockstore.bak") == Self.sysconfig)
            #expect(root.read(root.path + "/etc/docker/daemon.json") == "{\n  \"max-concurrent-downloads\": 3,\n  \"debug\": true\n}\n")
            #expect(root.read(root.path + "/etc/docker/daemon.json.dockstore.bak") == Self.daemon)
            let again = try root.dockstore(["backend", "vfs", "--storage-opt", "size=5G"])
            #expect(again.stdout.contains("nothing to do"))
            let shown = try root.dockstore(["backend", "--json"])
            #expect(shown.status == 0)
            #expect(shown.stdout.contains("\"driver\" : \"vfs\""))
        }
    }

    @Test func restartSaysWhenItCannot() throws {
        try withTestRoot { root in
            try prepare(root)
            let result = try root.dockstore(["backend", "vfs", "--restart"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("cannot restart Docker: systemd does not run \(root.path)"), "\(result.stderr)")
            #expect(root.read(root.sysconfig)?.contains("--storage-driver=vfs") == true)
        }
    }

    @Test func refusalsAndDryRunChangeNothing() throws {
        try withTestRoot { root in
            try prepare(root)
            let before = root.snapshot()
            for (arguments, status, text) in [
                (["backend", "btrfs"], 2, "the btrfs driver needs a btrfs filesystem"),
                (["backend", "overlay2", "--storage-opt", "overlay2.size=1G"], 2, "overlay2.size only supported for backingFS XFS"),
                (["backend", "btrfs", "--storage-opt", "btrfs.min_space=10E", "--force"], 64, "'10E' is not a size dockerd reads"),
                (["backend", "overlay2", "--storage-opt", "dm.basesize=1G"], 64, "overlay2 has no option 'dm.basesize'"),
                (["backend", "overlay2", "--storage-opt", "overlay2.size=1G;reboot"], 64, "contains ';'"),
                (["backend", "aufs"], 64, "not a storage driver"),
                (["backend", "--storage-opt", "size=1G"], 64, "--storage-opt goes with a DRIVER"),
                (["backend", "vfs", "--dry-run"], 0, "dry run"),
            ] as [([String], Int32, String)] {
                let result = try root.dockstore(arguments)
                #expect(result.status == status, "\(arguments): \(result.stderr)")
                #expect((result.stderr + result.stdout).contains(text), "\(arguments): \(result.stderr)")
                #expect(root.changes(since: before) == [], "\(arguments) changed nothing")
            }
            try root.write(root.path + "/etc/docker/daemon.json", "{ \"storage-driver\": ")
            let invalid = try root.dockstore(["backend", "vfs"])
            #expect(invalid.status == 2)
            #expect(invalid.stderr.contains("not valid JSON"))
            #expect(root.read(root.sysconfig) == Self.sysconfig)
        }
    }

    @Test func everyBackendCrashPointConverges() throws {
        let points = FailpointCoverage.reachable("backend")
        for point in points {
            try withTestRoot { root in
                try prepare(root)
                // the installed template: backend records the driver there first (boot-settings)
                let settings = root.path + "/etc/sysconfig/dockstore"
                try root.write(settings, "DOCKSTORE_BACKEND=\"\"\n")
                let crashed = try root.dockstore(["backend", "vfs"], environment: ["DOCKSTORE_FAILPOINT": point])
                #expect(crashed.signal == SIGKILL, "\(point)")
                if point == BackendStep.Kind.writeBootSettings.rawValue {
                    // The first step: the driver recorded for the boot, dockerd's files as they were
                    // (with the conflict they came with).
                    #expect(root.read(root.sysconfig) == Self.sysconfig && root.read(root.path + "/etc/docker/daemon.json") == Self.daemon, "\(point)")
                    #expect(root.read(settings) == "DOCKSTORE_BACKEND=\"vfs\"\n", "\(point)")
                } else {
                    // Whatever the crash left, dockerd never sees the driver set twice.
                    let report = try root.dockstore(["backend"])
                    #expect(!report.stdout.contains("set both"), "\(point): \(report.stdout)")
                }
                #expect(try root.dockstore(["backend", "vfs"]).status == 0)
                #expect(root.read(root.sysconfig)?.contains("DOCKER_OPTS=\"--log-level=warn --storage-driver=vfs\"") == true)
                #expect(root.read(root.path + "/etc/docker/daemon.json") == "{\n  \"max-concurrent-downloads\": 3,\n  \"debug\": true\n}\n")
                #expect(root.read(settings) == "DOCKSTORE_BACKEND=\"vfs\"\n", "\(point)")
            }
        }
        reliability("backend crash matrix", cases: points.count, runs: points.count * 2)
    }

    /// Every file and folder under the root with its mode, size, mtime, link target and bytes;
    /// but /run, where every changing command takes its lock (run/dockstore.lock) first.
    func treeHash(_ root: TestRoot) throws -> String {
        try root.sh("cd '\(root.path)' && find . -mindepth 1 ! -path './run*' ! -name '.out-*' ! -name '.err-*' -printf '%p %y %m %s %T@ %l\\n' | LC_ALL=C sort && find . -type f ! -path './run*' ! -name '.out-*' ! -name '.err-*' -exec sha256sum {} + | LC_ALL=C sort")
    }

    @Test func refusesWithoutTheSysconfigFolderBeforeWritingDaemonJSON() throws {
        try withTestRoot { root in
            try root.write(root.path + "/etc/docker/daemon.json", Self.daemon)
            try root.sh("mkdir -p \(root.mountpoint)")
            let before = try treeHash(root)
            let result = try root.dockstore(["backend", "vfs"])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderrLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("etc/sysconfig does not exist"), "\(result.stderr)")
            #expect(result.stdout.isEmpty, "nothing is shown as set before it is written: \(result.stdout)")
            #expect(try treeHash(root) == before, "nothing under --root changed")
        }
    }
}
