import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 15 items 6 and 7 together: the temp file a killed atomic write left is removed by the
/// next changing run, but only right before its first step acts (`DebrisSweep`). A run refused
/// later than planning, by the write preflight (teardown, backend) or by its first step's
/// re-check (provision), exits 2 with one line and leaves the tree byte-identical, the debris
/// included; the same run without the refusal removes the debris. A run with nothing to do
/// still removes it and says nothing more; a dry run never does.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DebrisSweepIntegrationTests {
    /// A temp file of the fstab's atomic write by a process that no longer runs (above the
    /// kernel's pid_max), as a kill inside the write leaves it.
    static let deadWrite = ".fstab.dockstore-4194405-0"

    func listing(_ root: TestRoot, _ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path + folder)) ?? ["<unreadable>"]).sorted()
    }

    func leaveDebris(_ root: TestRoot) throws {
        try root.write(root.path + "/etc/" + Self.deadWrite, "# half written\n")
    }

    /// Exit 2, one line (warnings aside) saying nothing was changed, and the tree as it was.
    func expectRefusedUnchanged(_ root: TestRoot, _ result: RunResult, before: [String: String], says: String,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == ExitStatus.refused.rawValue, "\(result.stdout) \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.filter { !$0.hasPrefix("dockstore: warning:") }.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(says) && result.stderr.contains("nothing was changed"), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(root.changes(since: before) == [], "nothing changed, the debris included", sourceLocation: sourceLocation)
    }

    /// provision --device: the device gets a filesystem while dockstore is stopped before its
    /// first step (`format-record`), whose re-check refuses. Every folder is there, so the
    /// record of folders is not written first.
    @Test func provisionRefusedAtTheFirstRecheckKeepsTheDebris() throws {
        try withTestRoot { root in
            try root.sh("""
                R=\(root.path); mkdir -p $R/etc/sysconfig $R/etc/systemd/system/docker.service.d $R/var/lib/dockstore $R/var/lib/docker \
                && printf '# f\\n' > $R/etc/fstab
                """)
            try leaveDebris(root)
            let disk = try root.attachDisk(megabytes: 512)
            let before = root.snapshot()
            let result = try root.runStopped(["provision", "--device", disk], before: "format-record") {
                try root.sh("mkfs.ext4 -q -L appdata \(disk)")
            }
            expectRefusedUnchanged(root, result, before: before, says: "\(disk) is no longer blank")
            #expect(listing(root, "/etc").contains(Self.deadWrite), "the debris stays: \(listing(root, "/etc"))")

            // The ext4 meanwhile leaves data behind: the re-run wipes it.
            let again = try root.dockstore(["provision", "--device", disk, "--force"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(listing(root, "/etc") == ["fstab", "fstab.dockstore.bak", "sysconfig", "systemd"], "the debris is gone")
        }
    }

    /// teardown: the fstab's backup name is a folder, which the write preflight refuses.
    @Test func teardownRefusedByThePreflightKeepsTheDebris() throws {
        try withTestRoot { root in
            try root.write(root.fstab, "# f\n")
            let provision = try root.dockstore(["provision", "--size", "256M"])
            try #require(provision.status == 0, "\(provision.stderr)")
            try leaveDebris(root)
            try root.sh("rm -f \(root.fstab).dockstore.bak && mkdir \(root.fstab).dockstore.bak")
            let before = root.snapshot()
            let mounts = root.mounts().count
            let refused = try root.dockstore(["teardown", "--delete-image"])
            expectRefusedUnchanged(root, refused, before: before, says: "/etc/fstab.dockstore.bak is a folder, where dockstore keeps the backup of")
            #expect(root.mounts().count == mounts, "still mounted")

            try root.sh("rmdir \(root.fstab).dockstore.bak")
            let again = try root.dockstore(["teardown", "--delete-image"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(!listing(root, "/etc").contains(Self.deadWrite), "the debris is gone: \(listing(root, "/etc"))")
        }
    }

    /// backend: killed inside its write of /etc/sysconfig/docker (the temp file stays), then
    /// the backup name is a folder, which the write preflight refuses; then it writes, and
    /// its folder holds the file and its backup only.
    @Test func backendRefusedByThePreflightKeepsTheKilledWritesTempFile() throws {
        try withTestRoot { root in
            try root.write(root.sysconfig, DockerOptions.suseSysconfigTemplate)
            let killed = try root.dockstore(["backend", "vfs", "--force"], environment: [Failpoint.variable: "atomic-write:docker"])
            try #require(killed.signal == SIGKILL, "killed inside the write: \(killed.status) \(killed.stdout) \(killed.stderr)")
            let temp = listing(root, "/etc/sysconfig").filter { $0.hasPrefix(".docker.dockstore-") }
            try #require(temp.count == 1, "the kill left the temp file: \(listing(root, "/etc/sysconfig"))")
            try root.sh("rm -rf \(root.sysconfig).dockstore.bak && mkdir \(root.sysconfig).dockstore.bak")
            let before = root.snapshot()
            let refused = try root.dockstore(["backend", "vfs", "--force"])
            expectRefusedUnchanged(root, refused, before: before, says: "/etc/sysconfig/docker.dockstore.bak is a folder, where dockstore keeps the backup of")

            try root.sh("rmdir \(root.sysconfig).dockstore.bak")
            let again = try root.dockstore(["backend", "vfs", "--force"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(listing(root, "/etc/sysconfig") == ["docker", "docker.dockstore.bak"], "the temp file is gone")
        }
    }

    /// A dry run leaves the debris; a run with nothing to do removes it and prints only its
    /// "nothing to do" line.
    @Test func nothingToDoSweepsSilentlyAndADryRunNever() throws {
        try withTestRoot { root in
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=vfs\"\n")
            try root.sh("mkdir \(root.mountpoint)")
            try leaveDebris(root)
            let before = root.snapshot()
            let dry = try root.dockstore(["backend", "overlay2", "--force", "--dry-run"])
            #expect(dry.status == 0, "\(dry.stdout) \(dry.stderr)")
            #expect(root.changes(since: before) == [], "a dry run changes nothing, the debris included")

            let nothing = try root.dockstore(["backend", "vfs", "--force"])
            #expect(nothing.status == 0 && nothing.stderr.isEmpty, "\(nothing.stdout) \(nothing.stderr)")
            #expect(nothing.stdout == "dockerd already starts with the vfs driver; nothing to do.\n")
            #expect(listing(root, "/etc") == ["sysconfig"], "the debris is gone")
        }
    }
}
