import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Outside attack 11, B17: teardown kept /var/lib/dockstore because check's caches (the orphan
/// count, the device error record) were in it. They are dockstore's own files about the store
/// going away: teardown removes them (forget-check-caches, planned, shown in --dry-run) and
/// gives the tree back as it was; a record that names another mounted filesystem stays.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownCheckCacheIntegrationTests {
    /// The paths under the root, without /run (the lock) and the boot switch teardown leaves.
    func paths(_ root: TestRoot) -> Set<String> {
        Set(root.snapshot().keys.filter { !$0.hasPrefix("run") && $0 != "etc/dockstore.disabled" })
    }

    @Test func teardownRemovesChecksCachesAndTheFolderGoes() throws {
        try withTestRoot { root in
            let before = paths(root)
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            // What dockerd makes; check counts orphans there and caches the count once the
            // folders are older than two seconds.
            try root.sh("mkdir -p \(root.mountpoint)/btrfs/subvolumes \(root.mountpoint)/image/btrfs/layerdb/sha256 \(root.mountpoint)/image/btrfs/layerdb/mounts \(root.mountpoint)/image/btrfs/layerdb/tmp && sleep 3")
            let check = try root.dockstore(["check"])
            #expect(check.status == 0, "\(check.stdout)")
            let orphanCount = root.path + OrphanTallyCache.defaultPath.string
            let deviceErrors = root.path + DeviceErrorLedger.defaultPath.string
            try #require(root.status(orphanCount) != nil, "check cached its orphan count")
            let uuid = try root.sh("blkid -p -s UUID -o value \(root.image)").trimmingCharacters(in: .whitespacesAndNewlines)
            try root.write(deviceErrors, "# dockstore check\n\(uuid)/1 write_errs=0 read_errs=0 flush_errs=0 corruption_errs=2 generation_errs=0\n")

            let plan = try root.dockstore(["teardown", "--delete-image", "--dry-run"])
            #expect(plan.status == 0, "\(plan.stderr)")
            let line = "[forget-check-caches] remove \(orphanCount) (check's orphan count of this store), \(deviceErrors) (check's device error record of this store)"
            #expect(plan.stdout.split(separator: "\n").contains { $0.hasSuffix(line) }, "\(plan.stdout)")
            #expect(root.status(orphanCount) != nil && root.status(deviceErrors) != nil, "a dry run removes nothing")

            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.split(separator: "\n").contains { $0 == Substring(line) }, "\(down.stdout)")
            #expect(!down.stdout.contains("kept \(root.path)/var/lib/dockstore"), "\(down.stdout)")
            #expect(paths(root) == before, "the tree as before provision: \(paths(root).symmetricDifference(before).sorted())")
        }
    }

    /// A record that also holds the counters of another btrfs the kernel has mounted (check run
    /// with --mountpoint on it) is not this store's alone: it stays, and so does its folder.
    @Test func aRecordNamingAnotherMountedFilesystemStays() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let other = try root.sh("truncate -s 256M \(root.path)/other.img && mkfs.btrfs -q \(root.path)/other.img && mkdir -p \(root.path)/srv/other && mount -o loop \(root.path)/other.img \(root.path)/srv/other && blkid -p -s UUID -o value \(root.path)/other.img")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let uuid = try root.sh("blkid -p -s UUID -o value \(root.image)").trimmingCharacters(in: .whitespacesAndNewlines)
            let deviceErrors = root.path + DeviceErrorLedger.defaultPath.string
            let record = "# dockstore check\n\(other)/1 write_errs=1\n\(uuid)/1 write_errs=0 read_errs=0 flush_errs=0 corruption_errs=2 generation_errs=0\n"
            try root.write(deviceErrors, record)
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(!down.stdout.contains("[forget-check-caches]"), "\(down.stdout)")
            #expect(root.read(deviceErrors) == record)
            #expect(down.stdout.contains("kept \(root.path)/var/lib/dockstore: it is not empty (it holds device-errors)"), "\(down.stdout)")
        }
    }
}
