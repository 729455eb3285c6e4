import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A provision killed (SIGKILL) right after any step is finished by the next run, and the
/// end state equals that of a run that never crashed.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct CrashIntegrationTests {
    /// Every failpoint of an image's provision a test root reaches (FailpointCoverage says why not the others).
    static func failpoints() -> [String] { FailpointCoverage.reachable("provision") }

    /// Makes every step run, the daemon-json one included (and, with the marker teardown
    /// leaves, enable-boot).
    static let conflictingDaemonJSON = "{\n  \"log-level\": \"warn\",\n  \"storage-opts\": [\"overlay2.size=1G\"]\n}\n"

    /// Makes remove-unfinished-image run: the temporary name a killed provision left its
    /// half-formatted new image under.
    static func leaveUnfinishedImage(_ root: TestRoot) throws {
        try root.write(root.image + UnfinishedImage.suffix, "half of a new image a killed provision left behind\n")
    }

    func endState(_ root: TestRoot) -> [String: String] {
        var state: [String: String] = [:]
        for (name, file) in [("fstab", root.fstab), ("sysconfig", root.sysconfig), ("drop-in", root.dropIn),
                             ("daemon.json", root.path + "/etc/docker/daemon.json")] {
            state[name] = root.read(file) ?? "<missing>"
        }
        state["daemon.json record"] = root.read(root.path + DaemonJSONRecord.path.string) ?? "<missing>"
        state["folder record"] = root.read(root.path + ProvisionFolderRecord.path.string) ?? "<missing>"
        state["mounted"] = root.mounts().map { "\($0.fstype) \($0.target.dropFirst(root.path.count))" }.joined(separator: ";")
        if case .signature(let type, _, let label) = BlockProbe.probe(root.image) { state["image"] = "\(type) \(label ?? "")" }
        state["size"] = root.status(root.image).map { "\($0.st_size) \($0.st_mode & 0o7777)" } ?? "<missing>"
        state["unfinished image"] = root.status(root.image + UnfinishedImage.suffix) == nil ? "<missing>" : "present"
        return state
    }

    /// After the kill, a power cut: drop the page cache and take the store down
    /// (unmount, detach) as a reboot would, so only what was fsynced counts.
    @Test func everyCrashPointSurvivesAPowerCut() throws {
        for point in Self.failpoints() {
            try withTestRoot { root in
                try root.write(root.path + "/etc/docker/daemon.json", Self.conflictingDaemonJSON)
                try root.write(root.path + "/etc/dockstore.disabled", "# left by teardown\n") // makes enable-boot run
                try Self.leaveUnfinishedImage(root)
                try root.write(root.fstab, "/dev/vda / ext4 defaults 0 1\n")
                let crashed = try root.dockstore(["provision", "--size", "512M"], environment: ["DOCKSTORE_FAILPOINT": point])
                #expect(crashed.signal == SIGKILL, "\(point)")
                try root.sh("sync; echo 3 > /proc/sys/vm/drop_caches")
                for entry in root.mounts() { _ = umount2(entry.target, 0) }
                for file in [root.fstab, root.sysconfig, root.dropIn, root.path + "/etc/docker/daemon.json"] {
                    if let text = root.read(file) { #expect(!text.isEmpty, "\(point): \(file) is never left empty") }
                }
                let rerun = try root.dockstore(["provision", "--size", "512M"])
                #expect(rerun.status == 0, "\(point): \(rerun.stderr)")
                #expect(root.read(root.fstab)?.hasPrefix("/dev/vda / ext4 defaults 0 1\n") == true, "\(point)")
                #expect(try root.dockstore(["status"]).status == 0, "\(point)")
            }
        }
        let count = Self.failpoints().count
        reliability("provision (image) power cut", cases: count, runs: count * 3)
    }

    @Test func everyCrashPointConvergesOnRerun() throws {
        var reference: [String: String] = [:]
        try withTestRoot { root in
            try root.write(root.path + "/etc/docker/daemon.json", Self.conflictingDaemonJSON)
            try root.write(root.path + "/etc/dockstore.disabled", "# left by teardown\n") // makes enable-boot run
            try Self.leaveUnfinishedImage(root)
            try #require(try root.dockstore(["provision"]).status == 0)
            reference = endState(root)
        }
        for point in Self.failpoints() {
            try withTestRoot { root in
                try root.write(root.path + "/etc/docker/daemon.json", Self.conflictingDaemonJSON)
                try root.write(root.path + "/etc/dockstore.disabled", "# left by teardown\n") // makes enable-boot run
                try Self.leaveUnfinishedImage(root)
                let crashed = try root.dockstore(["provision"], environment: ["DOCKSTORE_FAILPOINT": point])
                #expect(crashed.signal == SIGKILL, "\(point): the run must die at its failpoint")
                let rerun = try root.dockstore(["provision"])
                #expect(rerun.status == 0, "\(point): \(rerun.stderr)")
                // The folder record is written ahead, before any folder is made: a killed run's
                // record names exactly the folders a clean run's does.
                #expect(endState(root) == reference, "\(point)")
                #expect(try root.dockstore(["provision"]).stdout.contains("nothing to do"), "\(point)")
            }
        }
        let count = Self.failpoints().count
        reliability("provision (image) crash matrix", cases: count, runs: 1 + count * 3)
    }
}
