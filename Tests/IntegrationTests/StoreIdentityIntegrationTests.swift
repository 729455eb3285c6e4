import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The store is its filesystem UUID and a device its identity, never a kernel name: states an
/// outside tester built that the earlier suites never did — kernel names shuffled at a reboot
/// mid-migration, another device named while a migration is open, the image's own loop
/// device or a file inside the store as the target, a kept image, a member the mount table
/// does not show, a filesystem dockstore never set up, an image deleted while mounted.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct StoreIdentityIntegrationTests {
    func store(_ root: TestRoot) throws -> (inventory: String, sums: String) {
        try #require(try root.dockstore(["provision"]).status == 0)
        let m = root.mountpoint
        try root.sh("btrfs -q subvolume create \(m)/base && dd if=/dev/urandom of=\(m)/base/layer bs=1M count=32 status=none")
        for n in 1...3 { try root.sh("btrfs -q subvolume snapshot \(m)/base \(m)/snap\(n) && echo \(n) > \(m)/snap\(n)/own") }
        try root.sh("sync")
        return (try inventory(root), try sums(root))
    }

    func inventory(_ root: TestRoot) throws -> String {
        try root.sh("btrfs subvolume list -uq \(root.mountpoint) | sed 's/ gen [0-9]*//'")
    }

    func sums(_ root: TestRoot) throws -> String {
        try root.sh("cd \(root.mountpoint) && b2sum base/layer snap*/own")
    }

    func backingFile(_ root: TestRoot, _ loop: String) throws -> String {
        try root.sh("losetup -n -O BACK-FILE \(loop)").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A reboot that renames the devices: everything unmounted, the kernel's btrfs device
    /// list forgotten, the volume re-attached under a new name and a blank volume given the
    /// name it had. Returns (the volume's new name, the blank volume's name).
    func rebootShufflingNames(_ root: TestRoot, volume: String) throws -> (volume: String, blank: String) {
        let file = try backingFile(root, volume)
        try root.sh("echo 3 > /proc/sys/vm/drop_caches")
        let loops = root.loopDevices()
        for entry in root.mounts() { _ = umount2(entry.target, 0) }
        for _ in 0..<50 where root.loopDevices().count > 1 { usleep(20_000) }
        root.forgetBtrfs(loops)
        try root.sh("losetup -d \(volume)")
        let blankFile = root.path + "/blank-\(UUID().uuidString.prefix(6)).img"
        try root.sh("truncate -s 8G \(blankFile) && losetup \(volume) \(blankFile)")
        let renamed = try root.sh("losetup -f --show \(file)").trimmingCharacters(in: .whitespacesAndNewlines)
        return (renamed, volume)
    }

    /// After every migrate failpoint, a reboot with the names shuffled: boot's provision brings
    /// the store back from the volume by UUID, never formats the blank volume that took the
    /// old name, and migrate-ebs (given the new name) finishes the move with nothing lost.
    /// Both methods: replace (the default) and add + remove (the fallback).
    @Test(arguments: MigrationMethod.allCases)
    func aRebootWithShuffledNamesNeverFormatsTheVolumeThatTookTheName(_ method: MigrationMethod) throws {
        var runs = 0
        // Killed before the volume was written to (journal; for replace also shrink), it is a
        // blank volume without an identity of its own here (loop devices have no EBS volume id):
        // under a new name it cannot be told from the blank one that took the old name, so
        // migrate-ebs refuses it (MigrationPlannerTests) rather than guess.
        let untouched = method == .replace ? ["journal", "shrink"] : ["journal"]
        let points = FailpointCoverage.reachable("migrate-ebs \(method.rawValue)").filter { !untouched.contains($0) }
        for point in points {
            try withTestRoot { root in
                let (inventory, sums) = try store(root)
                let disk = try root.attachDisk(megabytes: 12288)
                let crashed = try root.dockstore(["migrate-ebs", disk, "--yes"],
                                                 environment: ["DOCKSTORE_FAILPOINT": point, MigrationMethod.variable: method.rawValue])
                #expect(crashed.signal == SIGKILL, "\(method) \(point): \(crashed.stderr)")
                let (volume, blank) = try rebootShufflingNames(root, volume: disk)
                let blankBefore = try root.ends(blank)
                let boot = try root.dockstore(["provision"])
                #expect(boot.status == 0, "\(point): the boot-time provision: \(boot.stdout) \(boot.stderr)")
                #expect(try root.ends(blank) == blankBefore, "DATA: \(point): the blank volume that took the old name was written to")
                #expect(BlockProbe.probe(blank) == .blank, "DATA: \(point): \(blank) was formatted")
                #expect((try? self.inventory(root)) == inventory, "DATA: \(point): subvolume inventory after the reboot")
                let finish = try root.dockstore(["migrate-ebs", volume, "--yes"])
                #expect(finish.status == 0, "\(point): \(finish.stdout) \(finish.stderr)")
                #expect((try? self.sums(root)) == sums, "DATA: \(point): checksums")
                #expect(root.status(root.image) == nil, "\(point): the image is gone")
                #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil, "\(point): the journal is closed")
                #expect(BlockProbe.probe(blank) == .blank, "DATA: \(point): \(blank) was formatted by migrate-ebs")
                runs += 3
            }
        }
        reliability("migrate-ebs (\(method.rawValue)) failpoint, reboot with names shuffled", cases: points.count, runs: runs)
    }

    /// A journal from before identities were recorded (device by name only), after the image
    /// left the filesystem, and a reboot that gives the name to a blank volume: provision
    /// refuses rather than format it, and once the volume has its name back it resumes.
    @Test func anOldJournalNeverFormatsWhatTookItsName() throws {
        try withTestRoot { root in
            _ = try store(root)
            let disk = try root.attachDisk(megabytes: 12288)
            let crashed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "remove-loop", MigrationMethod.variable: "add-remove"])
            #expect(crashed.signal == SIGKILL)
            let journal = root.path + "/var/lib/dockstore/migration.json"
            try root.write(journal, "{\"phase\":\"moving\",\"image\":\"/var/lib/docker-storage.btrfs\",\"device\":\"\(disk)\"}\n")
            let (volume, blank) = try rebootShufflingNames(root, volume: disk)
            let blankBefore = try root.ends(blank)
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 2, "\(boot.stdout) \(boot.stderr)")
            #expect(boot.stderr.contains("never formats a device while it follows a migration"), "\(boot.stderr)")
            #expect(try root.ends(blank) == blankBefore, "DATA: the blank volume was written to")
            // The operator re-attaches the volume under the journal's name: provision resumes.
            try root.sh("losetup -d \(blank) && losetup -d \(volume) && losetup \(blank) \(try backingFileOf(root, excluding: "blank"))")
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0, "\(again.stderr)")
            let finish = try root.dockstore(["migrate-ebs", blank, "--yes"])
            #expect(finish.status == 0, "\(finish.stderr)")
        }
        reliability("identity: a journal of device names only, its name taken by a blank volume at reboot", cases: 1, runs: 1)
    }

    func backingFileOf(_ root: TestRoot, excluding word: String) throws -> String {
        try root.sh("ls \(root.path)/disk-*.img").split(separator: "\n").map(String.init).first { !$0.contains(word) } ?? ""
    }

    /// A reboot mid-migration (the store spans the image and the volume) with the volume not
    /// attached: the boot's provision says which volume to attach, not just mount's ENOENT.
    @Test func aMissingVolumeMidMigrationIsNamed() throws {
        try withTestRoot { root in
            _ = try store(root)
            let disk = try root.attachDisk(megabytes: 12288)
            let crashed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "add-device", MigrationMethod.variable: "add-remove"])
            #expect(crashed.signal == SIGKILL)
            let loops = root.loopDevices()
            for entry in root.mounts() { _ = umount2(entry.target, 0) }
            for _ in 0..<50 where root.loopDevices().count > 1 { usleep(20_000) }
            root.forgetBtrfs(loops)
            try root.sh("losetup -d \(disk)")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 1, "\(boot.stdout) \(boot.stderr)")
            #expect(boot.stderr.contains("which is not attached: attach that volume and re-run"), "\(boot.stderr)")
            #expect(boot.stderrLines.filter { !$0.contains("warning:") }.count == 1, "\(boot.stderr)")
        }
        reliability("identity: the volume missing at boot mid-migration is named", cases: 1, runs: 1)
    }

    /// While a migration onto A is open (A added), naming B is refused — both to finish and to
    /// abort — and changes nothing; A itself finishes or aborts as before.
    @Test func anotherDeviceIsRefusedWhileAMigrationIsOpen() throws {
        try withTestRoot { root in
            let (inventory, _) = try store(root)
            let a = try root.attachDisk(megabytes: 12288)
            let b = try root.attachDisk(megabytes: 12288)
            let crashed = try root.dockstore(["migrate-ebs", a, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "add-device", MigrationMethod.variable: "add-remove"])
            #expect(crashed.signal == SIGKILL)
            let before = root.snapshot()
            let bBefore = try root.ends(b)
            for arguments in [["migrate-ebs", b, "--yes"], ["migrate-ebs", b, "--yes", "--abort"]] {
                let result = try root.dockstore(arguments)
                #expect(result.status == 2, "\(arguments): \(result.stdout) \(result.stderr)")
                #expect(result.stderr.contains(a), "\(arguments) names the device the migration is onto: \(result.stderr)")
                #expect(result.stderrLines.count == 1)
            }
            #expect(root.changes(since: before) == [])
            #expect(try root.ends(b) == bBefore)
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.count == 2)
            let aborted = try root.dockstore(["migrate-ebs", a, "--yes", "--abort"])
            #expect(aborted.status == 0, "\(aborted.stderr)")
            #expect(try self.inventory(root) == inventory, "DATA: subvolume inventory")
        }
        reliability("identity: another device refused (move and abort) while a migration is open", cases: 1, runs: 1)
    }

    @Test func theImagesOwnLoopDeviceIsRefused() throws {
        try withTestRoot { root in
            _ = try store(root)
            let loop = try #require(root.loopDevices().first)
            let before = root.snapshot()
            let result = try root.dockstore(["migrate-ebs", loop, "--yes"])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("the image's own loop device"), "\(result.stderr)")
            #expect(root.changes(since: before) == [])
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil)
        }
        reliability("identity: the image's own loop device as the target", cases: 1, runs: 1)
    }

    @Test func aLoopDeviceOverAFileInsideTheStoreIsRefused() throws {
        try withTestRoot { root in
            _ = try store(root)
            let inner = root.mountpoint + "/base/volume.img"
            let loop = try root.sh("truncate -s 8G \(inner) && losetup -f --show \(inner)").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(loop)") }
            let before = root.snapshot()
            let result = try root.dockstore(["migrate-ebs", loop, "--yes"])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("a file inside the store"), "\(result.stderr)")
            #expect(root.changes(since: before) == [])
            #expect(BlockProbe.probe(loop) == .blank)
            // Its path no longer resolves (unlinked, or bound in a container's namespace): the
            // device number LOOP_GET_STATUS64 reports still ties it to a subvolume of the store.
            try root.sh("rm \(inner)")
            let unlinked = try root.dockstore(["migrate-ebs", loop, "--yes"])
            #expect(unlinked.status == 2, "\(unlinked.stdout) \(unlinked.stderr)")
            #expect(unlinked.stderr.contains("a file inside the store"), "\(unlinked.stderr)")
        }
        reliability("identity: a loop device over a file inside the store as the target", cases: 1, runs: 1)
    }

    /// `--keep-image` keeps the image for good: a second migrate-ebs of the finished move
    /// leaves it alone, and boot's provision brings the store up from the volume.
    @Test func aKeptImageStaysAndBootFindsTheVolume() throws {
        try withTestRoot { root in
            let (inventory, _) = try store(root)
            let disk = try root.attachDisk(megabytes: 12288)
            let moved = try root.dockstore(["migrate-ebs", disk, "--yes", "--keep-image"])
            #expect(moved.status == 0, "\(moved.stderr)")
            // The image is 100 GiB apparent: its size, blocks, mtime and first 64 MiB identify it.
            let fingerprint = "stat -c '%s %b %Y' \(root.image) && head -c 64M \(root.image) | sha256sum"
            let kept = try root.sh(fingerprint)
            let again = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("nothing to do"), "\(again.stdout)")
            #expect(root.status(root.image) != nil, "DATA: the kept image was deleted")
            #expect(try root.sh(fingerprint) == kept)
            let loops = root.loopDevices()
            for entry in root.mounts() { _ = umount2(entry.target, 0) }
            root.forgetBtrfs(loops)
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stdout) \(boot.stderr)")
            #expect(try self.inventory(root) == inventory, "DATA: subvolume inventory")
            let status = try root.dockstore(["status"])
            #expect(status.status == 0, "\(status.stdout)")
            #expect(root.status(root.image) != nil)
            // Attack 40 S F2: teardown does not send the admin to a --delete-image that refuses the file.
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0 && down.stdout.contains("The file \(root.image) is kept: it holds no store (")
                    && down.stdout.contains("so teardown --delete-image does not delete it; remove it yourself once you no longer need its bytes.")
                    && !down.stdout.contains("delete it with --delete-image"), "\(down.stdout)\(down.stderr)")
            #expect(root.status(root.image) != nil)
        }
        reliability("identity: --keep-image kept by a second move, boot finds the volume", cases: 1, runs: 1)
    }

    /// A device that is devid 2 of a mounted btrfs whose mount table shows only devid 1:
    /// `--force` wipes nothing, the kernel's O_EXCL answer and /sys/fs/btrfs both say "in use".
    @Test func forceNeverWipesAMemberOfAMountedBtrfs() throws {
        try withTestRoot { root in
            _ = try store(root)
            let member = try root.attachDisk(megabytes: 1024)
            try root.sh("btrfs device add \(member) \(root.mountpoint) >/dev/null")
            let ends = try root.ends(member)
            try root.sh("mkdir -p \(root.path)/var/lib/other")
            let result = try root.dockstore(["provision", "--device", member, "--force", "--mountpoint", "/var/lib/other", "--image", "/var/lib/other.btrfs"])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("is a member of the btrfs ") && result.stderr.contains(" mounted at \(root.mountpoint) (btrfs filesystem show"), "\(result.stderr)")
            #expect(try root.ends(member) == ends, "DATA: the member was written to")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.count == 2)
        }
        reliability("identity: --force on a member the mount table does not show", cases: 1, runs: 1)
    }

    /// teardown --wipe-device wipes only a store it can prove is dockstore's: an ext4 labelled
    /// appdata mounted at the mountpoint is neither unmounted nor wiped.
    @Test func teardownNeverTouchesAFilesystemItDidNotSetUp() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 256)
            try root.sh("mkfs.ext4 -q -L appdata \(disk) && mkdir -p \(root.mountpoint) && mount \(disk) \(root.mountpoint) && echo keep > \(root.mountpoint)/data")
            let before = root.snapshot()
            let result = try root.dockstore(["teardown", "--wipe-device"])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("cannot prove is the store it set up"), "\(result.stderr)")
            #expect(root.changes(since: before) == [])
            #expect(root.read(root.mountpoint + "/data") == "keep\n", "DATA: appdata")
            if case .signature("ext4", _, "appdata") = BlockProbe.probe(disk) {} else { Issue.record("DATA: appdata's signature is gone") }
        }
        reliability("identity: teardown --wipe-device on a filesystem dockstore never set up", cases: 1, runs: 1)
    }

    /// DOCKSTORE_DEVICE names a kernel name; after a reboot that name is a blank volume and the
    /// store is attached under another: provision brings up the store fstab records by UUID,
    /// warns, and never formats the blank volume; Docker's storage is in place.
    @Test func aSettingsDeviceNameThatMovedFollowsTheRecordedStore() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 1024)
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_DEVICE=\"\(disk)\"\n")
            try #require(try root.dockstore(["provision"]).status == 0)
            try root.sh("echo data > \(root.mountpoint)/keep && sync")
            let (volume, blank) = try rebootShufflingNames(root, volume: disk)
            let blankBefore = try root.ends(blank)
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stdout) \(boot.stderr)")
            #expect(boot.stderr.contains("the settings name \(blank), which does not hold Docker's storage"), "\(boot.stderr)")
            #expect(try root.ends(blank) == blankBefore, "DATA: the blank volume that took the name was written to")
            #expect(root.mounts().first { $0.target == root.mountpoint }?.source == volume)
            #expect(root.read(root.mountpoint + "/keep") == "data\n", "DATA: the store's files")
            // Named on the command line, the device is taken as meant: refused, not redirected.
            // It says what the name holds now and where the store is (outside attack 14, X2: it
            // named a UUID no device held and said to attach a volume that was attached).
            let before = root.snapshot()
            let explicit = try root.dockstore(["provision", "--device", blank])
            #expect(explicit.status == 2, "\(explicit.stdout) \(explicit.stderr)")
            #expect(explicit.stderrLines.count == 1 && explicit.stderr.hasPrefix("dockstore: --device \(blank) is blank, not Docker's storage: the store dockstore recorded in \(root.fstab) line ")
                    && explicit.stderr.contains("is on \(volume) now (kernel names change at boot); run dockstore provision --device \(volume) (or name the volume by its vol-… id); nothing was changed"), "\(explicit.stderr)")
            #expect(try root.ends(blank) == blankBefore)
            #expect(root.changes(since: before) == [])
            let named = try root.dockstore(["provision", "--device", volume])
            #expect(named.status == 0 && named.stdout.hasSuffix("nothing to do.\n"), "\(named.stdout) \(named.stderr)")
        }
        reliability("identity: the settings device name moved at reboot", cases: 1, runs: 1)
    }

    /// A disk that backs another loop device holding a mounted filesystem: the loop driver
    /// neither claims it (O_EXCL) nor lists itself as a holder, so dockstore asks the loop
    /// devices; --force wipes nothing.
    @Test func forceNeverWipesTheDiskUnderAnotherLoopDevice() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 300)
            let stacked = try root.sh("losetup -f --show \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("umount \(root.path)/app; losetup -d \(stacked)") }
            try root.sh("mkfs.ext4 -q \(stacked) && mkdir -p \(root.path)/app && mount \(stacked) \(root.path)/app && echo precious > \(root.path)/app/f")
            let ends = try root.ends(disk)
            let result = try root.dockstore(["provision", "--device", disk, "--force"])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("\(stacked) (a loop device over it)"), "\(result.stderr)")
            #expect(try root.ends(disk) == ends, "DATA: the disk under the mounted ext4 was written to")
            #expect(root.read(root.path + "/app/f") == "precious\n")
        }
        reliability("identity: --force on the disk under another loop device", cases: 1, runs: 1)
    }

    /// The same stacking through a device node whose path no longer resolves (a symlink loop
    /// now sits where its folder was): the loop driver's own record of the node's device
    /// number answers, so the disk is still refused as held, and another loop device whose
    /// path cannot be read no longer blocks work on an unrelated disk.
    @Test func aStackedLoopWhosePathNoLongerResolvesIsStillSeen() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 300), other = try root.attachDisk(megabytes: 300)
            let rdev = try root.sh("stat -c '%t %T' \(disk)").split(separator: " ").map { String(Int($0.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) ?? -1) }
            try root.sh("mkdir \(root.path)/nodes && mknod \(root.path)/nodes/disk b \(rdev[0]) \(rdev[1])")
            let stacked = try root.sh("losetup -f --show \(root.path)/nodes/disk").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(stacked)") }
            try root.sh("mv \(root.path)/nodes \(root.path)/nodes.gone && ln -s \(root.path)/nodes \(root.path)/nodes")
            #expect(try root.sh("stat \(root.path)/nodes/disk 2>&1 || true").contains("Too many levels of symbolic links"))
            let ends = try root.ends(disk)
            let result = try root.dockstore(["provision", "--device", disk, "--force"])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("\(stacked) (a loop device over it)"), "\(result.stderr)")
            #expect(try root.ends(disk) == ends, "DATA: the disk under the stacked loop device was written to")
            let unrelated = try root.dockstore(["provision", "--device", other])
            #expect(unrelated.status == 0, "\(unrelated.stderr)")
        }
        reliability("identity: a stacked loop device whose path no longer resolves", cases: 1, runs: 1)
    }

    /// A loop device whose file lies on an ext4 whose image lies inside the store: the chain
    /// is followed down to the store, and migrate-ebs refuses.
    @Test func aLoopDeviceNestedInsideTheStoreIsRefused() throws {
        try withTestRoot { root in
            _ = try store(root)
            let inner = root.mountpoint + "/base/inner.img"
            let l1 = try root.sh("truncate -s 300M \(inner) && mkfs.ext4 -q \(inner) && losetup -f --show \(inner)").trimmingCharacters(in: .whitespacesAndNewlines)
            try root.sh("mkdir -p \(root.path)/inner && mount \(l1) \(root.path)/inner && truncate -s 8G \(root.path)/inner/t2.img")
            let l2 = try root.sh("losetup -f --show \(root.path)/inner/t2.img").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(l2); umount \(root.path)/inner; losetup -d \(l1)") }
            let before = root.snapshot()
            let result = try root.dockstore(["migrate-ebs", l2, "--yes"])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("a file inside the store"), "\(result.stderr)")
            #expect(root.changes(since: before) == [])
        }
        reliability("identity: a loop device nested inside the store as the target", cases: 1, runs: 1)
    }

    /// DOCKSTORE_DEVICE's name taken by a blank volume while the store's volume is not
    /// attached: provision waits for the store recorded in fstab (and says so), leaves the
    /// blank volume alone, and never advises removing the store's fstab line.
    @Test func aSettingsNameTakenWhileTheStoreIsAbsentWaitsForTheStore() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 1024)
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_DEVICE=\"\(disk)\"\nDOCKSTORE_WAIT=\"1\"\n")
            try #require(try root.dockstore(["provision"]).status == 0)
            let fstab = root.read(root.fstab)
            for entry in root.mounts() { _ = umount2(entry.target, 0) }
            try root.sh("losetup -d \(disk) && truncate -s 1G \(root.path)/blank.img && losetup \(disk) \(root.path)/blank.img")
            let ends = try root.ends(disk)
            let boot = try root.dockstore(["provision"])
            #expect(boot.status != 0, "\(boot.stdout) \(boot.stderr)")
            #expect(boot.stderr.contains("is not attached: waiting for it"), "\(boot.stderr)")
            #expect(!boot.stderr.contains("remove that line"), "\(boot.stderr)")
            #expect(try root.ends(disk) == ends, "DATA: the blank volume that took the name was written to")
            #expect(root.read(root.fstab) == fstab)
            let explicit = try root.dockstore(["provision", "--device", disk])
            #expect(explicit.status == 2 && explicit.stderrLines.count == 1, "\(explicit.stdout) \(explicit.stderr)")
            #expect(explicit.stderr.hasPrefix("dockstore: --device \(disk) is blank, not Docker's storage: the store dockstore recorded in \(root.fstab) line ")
                    && explicit.stderr.contains(") is not attached; attach the volume that holds it"), "\(explicit.stderr)")
            #expect(try root.ends(disk) == ends, "DATA: the blank volume that took the name was written to")
            #expect(root.read(root.fstab) == fstab)
        }
        reliability("identity: the settings device name taken while the store is absent", cases: 1, runs: 1)
    }

    /// The image deleted while mounted: provision must not advise unmounting (which frees the
    /// deleted file); it says to copy the store out first, and changes nothing.
    @Test func aDeletedImageIsNeverAdvisedToBeUnmounted() throws {
        try withTestRoot { root in
            _ = try store(root)
            try root.sh("rm \(root.image)")
            let before = root.snapshot()
            let result = try root.dockstore(["provision"])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("was deleted while mounted"), "\(result.stderr)")
            #expect(result.stderr.contains("do not unmount, detach"), "\(result.stderr)")
            // check's copy-out, which fails on a name taken since (attack 52 V F2: cp -n copied
            // nothing and exited 0, and the next step said to unmount).
            #expect(result.stderr.contains("iflag=direct conv=excl,sparse,fsync") && !result.stderr.contains("cp "), "\(result.stderr)")
            #expect(result.stderrLines.count == 1)
            #expect(root.changes(since: before) == [])
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains("was deleted while mounted"), "\(status.stdout)")
            // teardown says the same (attack 23 H9: it said the store was not provably its own).
            for arguments in [["teardown", "--dry-run"], ["teardown"]] {
                let down = try root.dockstore(arguments)
                #expect(down.status == 2 && down.stderr.hasPrefix("dockstore: refusing to tear down: the image \(root.image) was deleted while mounted:")
                        && down.stderrLines.count == 1, "\(arguments): \(down.stdout)\(down.stderr)")
            }
            #expect(root.changes(since: before) == [])
        }
        reliability("identity: the image deleted while mounted", cases: 1, runs: 1)
    }

    /// The settings an image build bakes in (README's Kiwi example: DOCKSTORE_SIZE, here with
    /// DOCKSTORE_THICK) describe the image: after migrate-ebs moved the store, the boot's
    /// provision brings it up from the volume (found by its UUID) instead of refusing a size
    /// for a device store, which would fail the boot unit at every boot.
    @Test func theImagesSettingsStillBringTheMovedStoreUp() throws {
        try withTestRoot { root in
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_SIZE=\"2G\"\nDOCKSTORE_THICK=\"yes\"\n")
            let (inventory, sums) = try store(root)
            let disk = try root.attachDisk(megabytes: 12288)
            let moved = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(moved.status == 0, "\(moved.stdout) \(moved.stderr)")
            let loops = root.loopDevices()
            for entry in root.mounts() { _ = umount2(entry.target, 0) }
            root.forgetBtrfs(loops)
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "the boot-time provision: \(boot.stdout) \(boot.stderr)")
            #expect(root.mounts().first { $0.target == root.mountpoint }?.source == disk, "\(root.mounts())")
            #expect((try? self.inventory(root)) == inventory, "DATA: subvolume inventory")
            #expect((try? self.sums(root)) == sums, "DATA: checksums")
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout) \(again.stderr)")
            // Typed on the command line, a size for the device store is still refused.
            let typed = try root.dockstore(["provision", "--size", "2G"])
            #expect(typed.status == 64 && typed.stderr.contains("are for the image"), "\(typed.stdout) \(typed.stderr)")
        }
        reliability("identity: an image build's settings after the move to a volume", cases: 1, runs: 3)
    }
}
