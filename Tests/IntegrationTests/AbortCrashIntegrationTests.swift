import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The crash matrix of `migrate-ebs --abort` itself, for both methods: a move interrupted
/// where an abort can still undo it (at a failpoint before the point of return, or killed in
/// the middle of the kernel's work: replace's device replace, add + remove's remove of the
/// image's device), the abort killed at each of its failpoints
/// (`StepCatalog`'s "migrate-ebs METHOD --abort"), then either `--abort` again or a reboot
/// with the device names shuffled (a blank volume takes the target's old name), the boot's
/// `provision`, and `--abort` given the target's new name. Every case must converge: the
/// store on the image alone, mounted once, fstab naming the image, no journal, every file
/// as it was, the blank volume untouched and the target released.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct AbortCrashIntegrationTests {
    let base = MigrationIntegrationTests()
    let replaceTests = MigrationReplaceIntegrationTests()
    let identity = StoreIdentityIntegrationTests()

    /// How the move is stopped before the abort.
    enum Interruption: CustomStringConvertible {
        /// Killed at this forward failpoint.
        case failpoint(String)
        /// Killed while the kernel's device replace runs (it goes on without dockstore).
        case midReplace
        /// Killed while the kernel removes the image's device: the kill cancels the relocation,
        /// so the image's device stays a member with part of the chunks moved onto the target.
        case midRemove

        var description: String {
            switch self {
            case .failpoint(let point): return "killed at \(point)"
            case .midReplace: return "killed mid-replace"
            case .midRemove: return "killed mid-remove"
            }
        }
    }

    /// What follows the killed abort.
    enum Then: String, CaseIterable {
        case rerun = "abort re-run"
        case reboot = "reboot with names shuffled, provision, abort"
    }

    /// The follow-ups run after the abort killed at the `point`th failpoint of the
    /// `interruption`th interruption. Every pair of interruption and abort failpoint runs; in
    /// `scripts/test` (CI, 90 minutes for everything) each pair gets one follow-up, alternating,
    /// so every interruption and every abort failpoint meets both; `scripts/reliability`
    /// (DOCKSTORE_MATRIX=full) runs both after every pair, the whole product.
    static func followUps(interruption: Int, point: Int) -> [Then] {
        if ProcessInfo.processInfo.environment["DOCKSTORE_MATRIX"] == "full" { return Then.allCases }
        return [Then.allCases[(interruption + point) % Then.allCases.count]]
    }

    /// The step that takes the image's device out of the store: from its failpoint on, the
    /// move is past the point of return and `--abort` refuses (`MigrationPlanner.planAbort`).
    static func pointOfNoReturn(_ method: MigrationMethod) -> MigrationStep.Kind {
        method == .replace ? .replace : .removeLoop
    }

    /// The forward failpoints of the move before its point of return, from the catalog, and a
    /// kill in the middle of the step that is that point: for replace while the kernel's
    /// replace runs (the only state `cancel-replace` acts on), for add + remove while the
    /// kernel moves the image's chunks off (the image's device is still a member then).
    static func interruptions(_ method: MigrationMethod) -> [Interruption] {
        let forward = FailpointCoverage.reachable("migrate-ebs \(method.rawValue)")
        let before = forward.prefix { $0 != pointOfNoReturn(method).rawValue }.map(Interruption.failpoint)
        return before + [method == .replace ? .midReplace : .midRemove]
    }

    /// Starts the move onto a new target and stops it as `interruption` says; returns the target.
    func interrupt(_ root: TestRoot, _ method: MigrationMethod, _ interruption: Interruption) throws -> String {
        switch interruption {
        case .failpoint(let point):
            let disk = try root.attachDisk(megabytes: 12288)
            let crashed = try root.dockstore(["migrate-ebs", disk, "--yes"],
                                             environment: ["DOCKSTORE_FAILPOINT": point, MigrationMethod.variable: method.rawValue])
            #expect(crashed.signal == SIGKILL, "\(method) \(interruption): \(crashed.stdout) \(crashed.stderr)")
            return disk
        case .midReplace:
            let disk = try replaceTests.slowDisk(root)
            let process = try base.startMigration(root, disk, method: method)
            try replaceTests.waitForTheReplace(root, then: 50_000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return disk
        case .midRemove:
            let disk = try replaceTests.slowDisk(root, megabytes: 12288)
            let process = try base.startMigration(root, disk, method: method)
            let moved = try waitForTheRemove(root, process)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let members = try CapacityProbe.read(mountpoint: root.mountpoint).devices
            try #require(moved && members.count == 2 && members.allSatisfy { $0.used > 0 },
                         "\(method) \(interruption): the kill struck while the image's device was being removed, chunks on both: \(members.map { "\($0.path) \($0.used)" })")
            return disk
        }
    }

    /// Waits until the kernel removes a device from the store (its exclusive operation) and
    /// has moved some of the image's chunks off (the image's device holds fewer bytes than
    /// when the remove began). False when the migration ended or that never came.
    func waitForTheRemove(_ root: TestRoot, _ process: Process) throws -> Bool {
        var startUsed: UInt64?
        for _ in 0..<6000 where process.isRunning {
            if let figures = try? CapacityProbe.read(mountpoint: root.mountpoint), let id = figures.uuid, figures.devices.count == 2 {
                let operation = (try? String(contentsOfFile: "/sys/fs/btrfs/\(id)/exclusive_operation", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                if operation == "device remove", let image = figures.devices.min(by: { $0.devid < $1.devid }) {
                    if let start = startUsed, image.used + (64 << 20) <= start { return true }
                    startUsed = startUsed ?? image.used
                }
            }
            usleep(10_000)
        }
        return false
    }

    /// The store on the image alone, whole again, mounted once; fstab as before the move; no
    /// journal; every file and subvolume as it was; `target` no member and no btrfs.
    func expectOnTheImage(_ root: TestRoot, fstab: String?, inventory: String, sums: String, target: String, _ what: String) throws {
        #expect((try? base.inventory(root)) == inventory, "DATA: \(what): subvolume inventory")
        #expect((try? base.sums(root)) == sums, "DATA: \(what): checksums")
        let mounted = root.mounts().filter { $0.target == root.mountpoint }
        #expect(mounted.count == 1, "\(what): the store is mounted once: \(root.mounts().map(\.target))")
        let figures = try CapacityProbe.read(mountpoint: root.mountpoint)
        #expect(figures.devices.count == 1, "\(what): one device left: \(figures.devices.map(\.path))")
        if let device = figures.devices.first {
            let backing = try root.sh("losetup -n -O BACK-FILE \(device.path)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(backing == root.image, "\(what): the store is on the image, not \(device.path) (\(backing))")
            #expect(device.size == 100 << 30, "\(what): the image's device is whole again: \(device.size)")
        }
        #expect(root.read(root.fstab) == fstab, "\(what): fstab names the image as before: \(root.read(root.fstab) ?? "none")")
        #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil, "\(what): the journal is closed")
        #expect(root.status(root.image) != nil, "DATA: \(what): the image is there")
        if case .signature(let kind, _, _) = BlockProbe.probe(target) { Issue.record("\(what): the released \(target) still carries \(kind)") }
        #expect(try !root.sh("findmnt -rn -o SOURCE").split(separator: "\n").contains { $0 == target }, "\(what): \(target) is mounted")
        let again = try root.dockstore(["migrate-ebs", target, "--yes", "--abort"])
        #expect(again.status == 0 && again.stdout.contains("nothing to abort"), "\(what): a further abort: \(again.stdout) \(again.stderr)")
    }

    @Test(arguments: MigrationMethod.allCases)
    func everyAbortCrashPointConverges(_ method: MigrationMethod) throws {
        let points = FailpointCoverage.reachable("migrate-ebs \(method.rawValue) --abort")
        var reached: Set<String> = []
        var cases = 0, runs = 0
        var followed: Set<String> = []
        for (i, interruption) in Self.interruptions(method).enumerated() {
            for (p, point) in points.enumerated() {
                for then in Self.followUps(interruption: i, point: p) {
                    followed.insert("\(interruption) \(then.rawValue)")
                    followed.insert("\(point) \(then.rawValue)")
                    let what = "\(method) \(interruption), abort killed at \(point), \(then.rawValue)"
                    // A case that throws is recorded under its name, and the matrix goes on.
                    do { try withTestRoot { root in
                        let small = interruption.isFailpoint
                        let (inventory, sums) = try base.layeredStore(root, megabytes: interruption.storeMegabytes, snapshots: small ? 5 : 3)
                        let fstab = root.read(root.fstab)
                        let disk = try interrupt(root, method, interruption)
                        let killed = try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"], environment: ["DOCKSTORE_FAILPOINT": point])
                        if killed.signal == SIGKILL {
                            reached.insert(point)
                        } else {
                            #expect(killed.status == 0 && !killed.stdout.contains("[\(point)]"),
                                    "\(what): the abort neither ran to its end nor was killed: \(killed.stdout) \(killed.stderr)")
                        }
                        var target = disk
                        switch then {
                        case .rerun:
                            let rerun = try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"])
                            #expect(rerun.status == 0, "\(what): \(rerun.stdout) \(rerun.stderr)")
                        case .reboot:
                            let (volume, blank) = try identity.rebootShufflingNames(root, volume: disk)
                            target = volume
                            let blankBefore = try root.ends(blank)
                            let boot = try root.dockstore(["provision"])
                            #expect(boot.status == 0, "\(what): the boot-time provision: \(boot.stdout) \(boot.stderr)")
                            #expect((try? base.inventory(root)) == inventory, "DATA: \(what): the store is back after the reboot")
                            let untouched = try BlockProbe.probe(volume) == .blank && BtrfsSuperblock.readScratched(volume) == nil
                            var abort = try root.dockstore(["migrate-ebs", volume, "--yes", "--abort"])
                            // A target the move never wrote to is a blank loop device with no identity of its own:
                            // under its new name nothing tells it from the blank volume that took the old one, so
                            // the abort refuses and names the journal's device; that abort touches no device.
                            let advice = "abort it with: dockstore migrate-ebs \(blank) --abort"
                            if untouched, abort.status == 2, abort.stderr.contains(advice) {
                                abort = try root.dockstore(["migrate-ebs", blank, "--yes", "--abort"])
                                runs += 1
                            }
                            #expect(abort.status == 0, "\(what): the abort after the reboot: \(abort.stdout) \(abort.stderr)")
                            #expect(try root.ends(blank) == blankBefore, "DATA: \(what): the blank volume that took the old name was written to")
                            #expect(BlockProbe.probe(blank) == .blank, "DATA: \(what): \(blank) was formatted")
                            runs += 1
                        }
                        try expectOnTheImage(root, fstab: fstab, inventory: inventory, sums: sums, target: target, what)
                        cases += 1
                        runs += 4
                    } } catch {
                        Issue.record("\(what): \(error)")
                    }
                }
            }
        }
        for point in points {
            #expect(reached.contains(point), "\(method): no case killed the abort at \(point)")
            for then in Then.allCases {
                #expect(followed.contains("\(point) \(then.rawValue)"), "\(method): the abort killed at \(point) is never followed by \(then.rawValue)")
            }
        }
        for interruption in Self.interruptions(method) {
            for then in Then.allCases {
                #expect(followed.contains("\(interruption) \(then.rawValue)"), "\(method): \(interruption) is never followed by \(then.rawValue)")
            }
        }
        reliability("migrate-ebs (\(method.rawValue)) --abort crash matrix, re-run and reboot with names shuffled", cases: cases, runs: runs)
    }
}

extension AbortCrashIntegrationTests.Interruption {
    var isFailpoint: Bool {
        if case .failpoint = self { return true }
        return false
    }

    /// The data the store holds: a little for a failpoint; enough for the kernel to be at
    /// work when the kill strikes mid-replace; for mid-remove more than one 1 GiB data chunk,
    /// so the kill finds one chunk moved onto the target and the next one moving.
    var storeMegabytes: Int {
        switch self {
        case .failpoint: return 64
        case .midReplace: return 512
        case .midRemove: return 1536
        }
    }
}
