import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `teardown --wipe-device` killed at every failpoint, then run again (attack 8, F3), and run
/// again after it finished (F4): the wipe comes before the fstab write, so a re-run either still
/// finds the device through fstab's `UUID=` line or finds it wiped and removes that line.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownWipeCrashIntegrationTests {
    /// The failpoints of steps a device store without a dockerd under the root never plans.
    static let notPlanned: [String: String] = [
        "stop-docker": "no dockerd runs under the test root",
        "detach-loop": "a device store has no image loop device",
        "delete-image": "a device store has no image",
        "mount-drop-in": "a device store has no mount unit drop-in (an image store's teardown kills there: TeardownIntegrationTests.everyTeardownCrashPointConverges)",
        "forget-format-record": "a provision --device that finished leaves no format record (TeardownIntegrationTests.everyTeardownCrashPointConverges kills there)",
        "forget-check-caches": "no check ran on this store, so it has no caches (TeardownIntegrationTests.everyTeardownCrashPointConverges kills there)",
        "daemon-reload": FailpointCoverage.systemdOnly,
        "boot-settings": FailpointCoverage.bootSettings,
    ]

    /// A device store provisioned over a root that had an admin's fstab and daemon.json (so the
    /// fstab and daemon-json steps run), and a snapshot of that root before provision.
    func provisioned(_ root: TestRoot) throws -> (disk: String, uuid: String, before: [String: String]) {
        try root.write(root.fstab, TeardownIntegrationTests.otherLine)
        try root.write(root.path + "/etc/docker/daemon.json", CrashIntegrationTests.conflictingDaemonJSON)
        let disk = try root.attachDisk(megabytes: 512)
        let before = root.snapshot()
        let up = try root.dockstore(["provision", "--device", disk])
        try #require(up.status == 0, "\(up.stderr)")
        let uuid = try root.sh("blkid -p -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!uuid.isEmpty)
        return (disk, uuid, before)
    }

    /// Every teardown failpoint (as `teardown --list-failpoints` prints them).
    func failpoints() throws -> [String] {
        var listed: [String] = []
        try withTestRoot { root in
            listed = try root.dockstore(["teardown", "--list-failpoints"]).stdout.split(separator: "\n").map(String.init)
        }
        #expect(listed.contains("wipe-device") && listed.contains("fstab") && listed.contains("folders"), "\(listed)")
        return listed
    }

    /// What a finished teardown --wipe-device leaves beside the root as it was before provision:
    /// the boot switch, and the backups of the files it wrote back.
    /// daemon.json and fstab hold their bytes as before (checked apart), written anew.
    static let leftBehind = ["etc/docker/daemon.json", "etc/docker/daemon.json.dockstore.bak", "etc/dockstore.disabled", "etc/fstab",
                             "etc/fstab.dockstore.bak"]

    @Test func everyKillOfTeardownWipeDeviceIsFinishedByTheNextRun() throws {
        let points = try failpoints()
        for point in points {
            try withTestRoot { root in
                let (disk, _, before) = try provisioned(root)
                let crashed = try root.dockstore(["teardown", "--wipe-device"], environment: ["DOCKSTORE_FAILPOINT": point])
                if let why = Self.notPlanned[point] {
                    #expect(crashed.status == 0 && crashed.signal == nil, "\(point) (\(why)): \(crashed.stderr)")
                } else {
                    #expect(crashed.signal == SIGKILL, "\(point): \(crashed.status) \(crashed.stderr)")
                }
                let rerun = try root.dockstore(["teardown", "--wipe-device"])
                #expect(rerun.status == 0, "\(point): \(rerun.stdout) \(rerun.stderr)")
                #expect(BlockProbe.probe(disk) == .unrecognizedData, "\(point): the device holds no signature")
                #expect(root.mounts().isEmpty, "\(point)")
                #expect(root.read(root.fstab) == TeardownIntegrationTests.otherLine, "\(point)")
                #expect(root.read(root.path + "/etc/docker/daemon.json") == CrashIntegrationTests.conflictingDaemonJSON, "\(point)")
                #expect(root.changes(since: before) == Self.leftBehind, "\(point): \(root.changes(since: before))")
                // F4: once done, the same command has nothing to do, and says why nothing is wiped.
                let again = try root.dockstore(["teardown", "--wipe-device"])
                #expect(again.status == 0, "\(point): \(again.stderr)")
                #expect(again.stdout.contains("nothing to do") && again.stdout.contains("no device left to wipe"), "\(point): \(again.stdout)")
                #expect(root.changes(since: before) == Self.leftBehind, "\(point)")
            }
        }
        reliability("teardown --wipe-device crash matrix", cases: points.count, runs: points.count * 3)
    }

    /// A kill, then a boot: before the boot switch the boot unit sets the store up again as it
    /// was (the device is not formatted again); from the switch on the unit stays off, and a
    /// provision --device run by hand either sets the unwiped store up again or, once the
    /// device is wiped, refuses its leftover data without --force. The next teardown
    /// --wipe-device finishes in every case.
    @Test func aBootAfterAKillNeverFormatsTheDeviceAgain() throws {
        for point in try failpoints() where Self.notPlanned[point] == nil {
            try withTestRoot { root in
                let (disk, uuid, _) = try provisioned(root)
                let crashed = try root.dockstore(["teardown", "--wipe-device"], environment: ["DOCKSTORE_FAILPOINT": point])
                #expect(crashed.signal == SIGKILL, "\(point)")
                let unitRuns = root.status(root.path + "/etc/dockstore.disabled") == nil
                #expect(unitRuns == (point == "unmount"), "\(point): the boot switch is set from disable-boot on")
                let wiped = BlockProbe.probe(disk) == .unrecognizedData
                let up = try root.dockstore(["provision", "--device", disk])
                if wiped {
                    #expect(!unitRuns, "\(point): wiped only after the boot switch")
                    #expect(up.status == 2 && up.stderr.contains("--force"), "\(point): \(up.stderr)")
                    #expect(BlockProbe.probe(disk) == .unrecognizedData, "\(point): not formatted again")
                } else {
                    #expect(up.status == 0, "\(point): \(up.stderr)")
                    let now = try root.sh("blkid -p -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(now == uuid, "\(point): the same store, not a new format")
                }
                let rerun = try root.dockstore(["teardown", "--wipe-device"])
                #expect(rerun.status == 0, "\(point): \(rerun.stderr)")
                #expect(BlockProbe.probe(disk) == .unrecognizedData && root.mounts().isEmpty, "\(point)")
                #expect(root.read(root.fstab) == TeardownIntegrationTests.otherLine, "\(point)")
            }
        }
    }
}
