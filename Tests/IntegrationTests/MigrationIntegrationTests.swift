import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `dockstore migrate-ebs` on a store shaped like Docker's: a base subvolume and writable
/// snapshots of it, moved onto a loop device smaller than the image's apparent size.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationIntegrationTests {
    /// Provisions a 100 GiB thin image holding `megabytes` in a base subvolume and
    /// `snapshots` snapshots of it; returns the inventory and sampled checksums.
    func layeredStore(_ root: TestRoot, megabytes: Int = 256, snapshots: Int = 20) throws -> (inventory: String, sums: String) {
        try #require(try root.dockstore(["provision"]).status == 0)
        let m = root.mountpoint
        try root.sh("btrfs -q subvolume create \(m)/base && dd if=/dev/urandom of=\(m)/base/layer bs=1M count=\(megabytes) status=none && echo small > \(m)/base/etc")
        for n in 1...snapshots { try root.sh("btrfs -q subvolume snapshot \(m)/base \(m)/snap\(n) && echo \(n) > \(m)/snap\(n)/own") }
        try root.sh("sync")
        return (try inventory(root), try sums(root))
    }

    /// Starts `migrate-ebs` without waiting for it, for tests that kill it.
    func startMigration(_ root: TestRoot, _ disk: String, method: MigrationMethod = .replace) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestRoot.binary)
        process.arguments = ["migrate-ebs", disk, "--yes", "--root", root.path]
        process.environment = ProcessInfo.processInfo.environment.merging([MigrationMethod.variable: method.rawValue]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// True once the image the move renamed is gone: the move unlinks it from a detached
    /// process, so this waits for it (up to a minute).
    func retiredImageIsGone(_ root: TestRoot) -> Bool {
        for _ in 0..<600 {
            if root.status(root.image + RetiredImage.suffix) == nil { return true }
            usleep(100_000)
        }
        return false
    }

    func inventory(_ root: TestRoot) throws -> String {
        try root.sh("btrfs subvolume list -uq \(root.mountpoint) | sed 's/ gen [0-9]*//'")
    }

    /// BLAKE2b (b2sum), about 2.5 times as fast as coreutils' sha256sum here: these stores
    /// are hashed several times in every case of the crash matrices.
    func sums(_ root: TestRoot) throws -> String {
        try root.sh("cd \(root.mountpoint) && b2sum base/layer base/etc snap1/layer $(ls -d snap* | sort -V | tail -1)/layer snap*/own")
    }

    /// The fallback method, forced (MigrationReplaceIntegrationTests moves by replace).
    @Test func movesEveryLayerOntoASmallerDevice() throws {
        try withTestRoot { root in
            let (inventory, sums) = try layeredStore(root)
            let usedBefore = try CapacityProbe.read(mountpoint: root.mountpoint).dataUsed
            // Add + remove needs the image's chunks plus two metadata chunks (1 GiB each, DUP, on
            // the 100 GiB image): 8 GiB is refused when the image has allocated a second data chunk.
            let disk = try root.attachDisk(megabytes: 12288)
            let result = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: [MigrationMethod.variable: "add-remove"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Method: device add + remove"), "\(result.stdout)")
            #expect(result.stdout.contains("Verified: the same 21 subvolumes"))
            #expect(result.stdout.contains("moving: "), "progress lines")
            #expect(try self.inventory(root) == inventory, "DATA: subvolume inventory")
            #expect(try self.sums(root) == sums, "DATA: checksums")
            let usedAfter = try CapacityProbe.read(mountpoint: root.mountpoint).dataUsed
            #expect(Double(usedAfter) <= Double(usedBefore) * 1.05, "bytes used did not grow: \(usedBefore) → \(usedAfter)")
            let uuid = try root.sh("blkid -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(root.read(root.fstab) == TestRoot.createdFstab("UUID=\(uuid) /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n"))
            #expect(root.status(root.image) == nil, "the image is gone")
            #expect(root.loopDevices() == [disk], "no loop device but the stand-in EBS volume is left")
            #expect(try root.dockstore(["status"]).status == 0)
            #expect(try root.dockstore(["migrate-ebs", disk, "--yes"]).stdout.contains("nothing to do"))
            // The boot unit runs provision with the image settings it was installed with: it
            // must find the store on the device, not refuse the missing image.
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0 && boot.stdout.contains("nothing to do"), "\(boot.stdout) \(boot.stderr)")
        }
    }

    @Test func refusalsChangeNothing() throws {
        try withTestRoot { root in
            _ = try layeredStore(root, megabytes: 32, snapshots: 2)
            for (setup, megabytes, text) in [("mkfs.ext4 -q -F \"$F\"", 8192, "holds a ext4 signature"), ("", 1024, "attach a larger volume")] {
                let disk = try root.attachDisk(megabytes: megabytes) { file in if !setup.isEmpty { try root.sh("F='\(file)'; \(setup)") } }
                let before = root.snapshot()
                let ends = try root.ends(disk)
                let result = try root.dockstore(["migrate-ebs", disk, "--yes"])
                #expect(result.status == 2, "\(result.stderr)")
                #expect(result.stderr.contains(text), "\(result.stderr)")
                #expect(root.changes(since: before) == [])
                #expect(try root.ends(disk) == ends)
            }
            let noTerminal = try root.dockstore(["migrate-ebs", try root.attachDisk(megabytes: 8192)])
            #expect(noTerminal.status == 64)
            #expect(noTerminal.stderr.contains("pass --yes"))
        }
    }

    @Test func refusesWhenTheStoreIsNotTheImage() throws {
        try withTestRoot { root in
            let first = try root.attachDisk(megabytes: 1024)
            try #require(try root.dockstore(["provision", "--device", first]).status == 0)
            let second = try root.attachDisk(megabytes: 1024)
            let result = try root.dockstore(["migrate-ebs", second, "--yes"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("is not the loopback image"))
        }
    }

    @Test(arguments: MigrationMethod.allCases)
    func everyMigrationCrashPointConverges(_ method: MigrationMethod) throws {
        let points = FailpointCoverage.reachable("migrate-ebs \(method.rawValue)")
        let chosen = [MigrationMethod.variable: method.rawValue]
        for point in points {
            try withTestRoot { root in
                let (inventory, sums) = try layeredStore(root, megabytes: 64, snapshots: 5)
                let disk = try root.attachDisk(megabytes: 12288)
                let crashed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: chosen.merging(["DOCKSTORE_FAILPOINT": point]) { $1 })
                #expect(crashed.signal == SIGKILL, "\(point): \(crashed.stderr)")
                let rerun = try root.dockstore(["migrate-ebs", disk, "--yes"])
                #expect(rerun.status == 0, "\(point): \(rerun.stderr)")
                #expect(try self.inventory(root) == inventory, "DATA: \(point): subvolume inventory")
                #expect(try self.sums(root) == sums, "DATA: \(point): checksums")
                #expect(root.status(root.image) == nil, "\(point)")
                #expect(retiredImageIsGone(root), "\(point): the renamed image is removed")
                #expect(root.loopDevices() == [disk], "\(point)")
                #expect(root.fstabAfterCreatedMark?.hasPrefix("UUID=") == true, "\(point)")
                #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil, "\(point)")
            }
        }
        reliability("migrate-ebs (\(method.rawValue)) crash matrix", cases: points.count, runs: points.count * 2)
    }

    /// Every failpoint again, now followed by a power cut: the page cache is dropped and the
    /// store taken down (unmount, the kernel told to forget the devices) as a reboot would,
    /// `provision` brings it back as the boot unit does, and `migrate-ebs` finishes the job.
    @Test(arguments: MigrationMethod.allCases)
    func everyCrashPointSurvivesAPowerCutAndAReboot(_ method: MigrationMethod) throws {
        var runs = 0
        let points = FailpointCoverage.reachable("migrate-ebs \(method.rawValue)")
        for point in points {
            try withTestRoot { root in
                let (inventory, sums) = try layeredStore(root, megabytes: 64, snapshots: 5)
                let disk = try root.attachDisk(megabytes: 12288)
                let crashed = try root.dockstore(["migrate-ebs", disk, "--yes"],
                                                 environment: ["DOCKSTORE_FAILPOINT": point, MigrationMethod.variable: method.rawValue])
                #expect(crashed.signal == SIGKILL, "\(point): \(crashed.stderr)")
                try root.sh("echo 3 > /proc/sys/vm/drop_caches")
                let loops = root.loopDevices()
                for entry in root.mounts() { _ = umount2(entry.target, 0) }
                root.forgetBtrfs(loops)
                if let fstab = root.read(root.fstab) { #expect(!fstab.isEmpty, "\(point): fstab is never left empty") }
                let boot = try root.dockstore(["provision"])
                #expect(boot.status == 0, "\(point): the boot-time provision: \(boot.stderr)")
                let finish = try root.dockstore(["migrate-ebs", disk, "--yes"])
                #expect(finish.status == 0, "\(point): \(finish.stderr)")
                #expect((try? self.inventory(root)) == inventory, "DATA: \(point): subvolume inventory")
                #expect((try? self.sums(root)) == sums, "DATA: \(point): checksums")
                #expect(root.status(root.image) == nil, "\(point)")
                #expect(retiredImageIsGone(root), "\(point): the renamed image is removed")
                #expect(root.fstabAfterCreatedMark?.hasPrefix("UUID=") == true, "\(point)")
                runs += 3
            }
        }
        reliability("migrate-ebs (\(method.rawValue)) power cut", cases: points.count, runs: runs)
    }

    @Test func aRebootMidMigrationComesBackAndFinishes() throws {
        try withTestRoot { root in
            let (inventory, sums) = try layeredStore(root, megabytes: 64, snapshots: 5)
            let disk = try root.attachDisk(megabytes: 8192)
            let crashed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "add-device", MigrationMethod.variable: "add-remove"])
            #expect(crashed.signal == SIGKILL)
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.count == 2, "the store spans the image and the device")
            // Simulated reboot: unmount (the image's loop device goes with it) and make the
            // kernel forget the devices it had scanned.
            let loops = root.loopDevices()
            try root.sh("umount \(root.mountpoint)")
            root.forgetBtrfs(loops)
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stderr)")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.count == 2, "provision brought both devices back")
            #expect(try self.inventory(root) == inventory, "DATA: subvolume inventory")
            let again = try root.dockstore(["provision"])
            #expect(again.stdout.contains("nothing to do"), "\(again.stdout) \(again.stderr)")
            let finish = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(finish.status == 0, "\(finish.stderr)")
            #expect(try self.sums(root) == sums, "DATA: checksums")
            #expect(root.status(root.image) == nil)
            #expect(root.fstabAfterCreatedMark?.hasPrefix("UUID=") == true)
        }
    }

    @Test func abortMovesEverythingBackAndReleasesTheDevice() throws {
        try withTestRoot { root in
            let (inventory, sums) = try layeredStore(root, megabytes: 64, snapshots: 5)
            let fstab = root.read(root.fstab)
            let disk = try root.attachDisk(megabytes: 8192)
            let crashed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "add-device", MigrationMethod.variable: "add-remove"])
            #expect(crashed.signal == SIGKILL)
            let aborted = try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"])
            #expect(aborted.status == 0, "\(aborted.stderr)")
            #expect(aborted.stdout.contains("back on the image"))
            let figures = try CapacityProbe.read(mountpoint: root.mountpoint)
            #expect(figures.devices.count == 1 && figures.host != nil, "only the image is left")
            #expect(try self.inventory(root) == inventory, "DATA: subvolume inventory")
            #expect(try self.sums(root) == sums, "DATA: checksums")
            #expect(root.read(root.fstab) == fstab)
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil)
            if case .signature = BlockProbe.probe(disk) { Issue.record("the released device still carries a signature") }
            #expect(try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"]).stdout.contains("nothing to abort"))
        }
    }

    @Test func seededKillsDuringTheRemoveConverge() throws {
        for seed: UInt64 in 1...3 {
            try withTestRoot { root in
                let (inventory, sums) = try layeredStore(root, megabytes: 512, snapshots: 3)
                let disk = try root.attachDisk(megabytes: 12288)
                // A fixed pseudo-random delay per seed (Knuth's multiplicative hash), so a failure replays.
                let delay = UInt32(seed &* 2_654_435_761 % 300_000)
                let process = try startMigration(root, disk, method: .addRemove)
                // Once the device is in, the remove is moving chunks: kill it somewhere in there.
                for _ in 0..<300 {
                    if let f = try? CapacityProbe.read(mountpoint: root.mountpoint), f.devices.count == 2 { break }
                    usleep(10_000)
                }
                usleep(delay)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let rerun = try root.dockstore(["migrate-ebs", disk, "--yes"])
                #expect(rerun.status == 0, "seed \(seed), killed after \(delay) µs: \(rerun.stderr)")
                #expect(try self.inventory(root) == inventory, "DATA: seed \(seed): subvolume inventory")
                #expect(try self.sums(root) == sums, "DATA: seed \(seed): checksums")
                #expect(root.status(root.image) == nil, "seed \(seed)")
                print("seeded kill \(seed): killed \(delay / 1000) ms into the remove, re-run finished")
            }
        }
        reliability("migrate-ebs SIGKILL at seeded moments of the remove", cases: 3, runs: 6)
    }

    @Test func aKillDuringTheRemoveIsFinishedByTheNextRun() throws {
        try withTestRoot { root in
            let (inventory, sums) = try layeredStore(root, megabytes: 768, snapshots: 3)
            let disk = try root.attachDisk(megabytes: 8192)
            let process = try startMigration(root, disk, method: .addRemove)
            // Kill it once the device is in and chunks are moving.
            for _ in 0..<200 {
                if let f = try? CapacityProbe.read(mountpoint: root.mountpoint), f.devices.count == 2 { break }
                usleep(10_000)
            }
            usleep(100_000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let rerun = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try self.inventory(root) == inventory, "DATA: subvolume inventory")
            #expect(try self.sums(root) == sums, "DATA: checksums")
            #expect(root.status(root.image) == nil)
        }
    }
}

