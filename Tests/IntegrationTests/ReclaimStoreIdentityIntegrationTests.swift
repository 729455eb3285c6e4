import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every reading and change reclaim makes after the lock is of the store it planned, known by
/// its filesystem UUID: another btrfs mounted in the store's place mid-run is named and
/// refused, its figures never reported as the store's, its subvolumes never deleted.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimStoreIdentityIntegrationTests {
    static func hex(_ c: Character) -> String { String(repeating: c, count: 64) }

    /// A fresh btrfs image inside the root, its filesystem UUID.
    func otherBtrfs(_ root: TestRoot) throws -> (image: String, uuid: String) {
        let image = root.path + "/other.img"
        try root.sh("truncate -s 256M \(image) && mkfs.btrfs -q \(image)")
        return (image, try root.blkid(image).split(separator: "\n").map(String.init).first { $0.count == 36 } ?? "")
    }

    /// The attack (scripts/attacks/issue15-2026-11-30-third.sh reclaim_after_figures_of_other_fs):
    /// reclaim stopped before `reclaim-finish` while another btrfs is mounted in the store's
    /// place. The run fails naming both filesystems, prints no "After:" or "Healthy", and
    /// records a failed run; with the store mounted again it is as it was.
    @Test func afterFiguresOfAnotherFilesystemFailTheRun() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let sums = try root.checksums()
            let store = try #require(try CapacityProbe.read(mountpoint: root.mountpoint).uuid)
            let other = try otherBtrfs(root)
            let result = try root.runStopped(["reclaim"], before: "reclaim-finish") {
                try root.sh("umount \(root.mountpoint) && mount -o loop \(other.image) \(root.mountpoint)")
            }
            #expect(result.status == 1, "a failure, never OK: \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("btrfs \(other.uuid) is mounted at \(root.mountpoint) now, not the store (btrfs \(store)) this reclaim planned"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(!result.stdout.contains("After:"), "no figures of the other btrfs: \(result.stdout)")
            #expect(!result.stdout.contains("Healthy"), "\(result.stdout)")
            #expect(try root.lastReclaim()["outcome"] as? String == "failed")
            #expect(try BtrfsFilesystem.open(root.mountpoint).uuid == other.uuid)
            try root.sh("umount \(root.mountpoint)")
            let boot = try root.dockstore(["provision", "--size", "512M"])
            #expect(boot.status == 0, "the store mounts again: \(boot.stderr)")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).uuid == store)
            #expect(root.status(root.reclaimJournal) == nil, "the run had given the room back")
            let warned = try root.dockstore(["check"])
            #expect(warned.status == 1, "the failed run is a warning until reclaim runs again: \(warned.stdout)")
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(try root.dockstore(["check"]).status == 0)
            #expect(try root.checksums() == sums, "DATA: every file as it was")
        }
    }

    /// What the rounds read (their health checks and chunk sizes through `PlannedStore`) and
    /// what they start, follow and cancel (`BtrfsBalance` with the UUID) refuses another
    /// filesystem at the mountpoint, naming both; the planned store reads as itself.
    @Test func roundsReadAndBalanceOnlyThePlannedStore() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let store = try #require(try CapacityProbe.read(mountpoint: root.mountpoint).uuid)
            #expect(try PlannedStore(mountpoint: root.mountpoint, uuid: store).figures().uuid == store)
            let other = try otherBtrfs(root)
            try root.sh("umount \(root.mountpoint) && mount -o loop \(other.image) \(root.mountpoint)")
            defer { _ = try? root.sh("umount \(root.mountpoint)") }
            let planned = PlannedStore(mountpoint: root.mountpoint, uuid: store)
            // The figures after a run fail it (what the run did is done); a balance, its
            // progress and its cancel refuse (exit 2), as they change or read nothing.
            let read = "btrfs \(other.uuid) is mounted at \(root.mountpoint) now, not"
            let balanced = "btrfs \(other.uuid) is mounted there now, not btrfs \(store)"
            for (what, kind, named, attempt) in [
                ("figures", DockStoreError.Kind.failed, read, { _ = try planned.figures() }),
                ("balance", .refused, balanced, { _ = try BtrfsBalance.run(root.mountpoint, uuid: store, dataUsage: 0, metadataUsage: nil) }),
                ("progress", .refused, balanced, { _ = try BtrfsBalance.progress(root.mountpoint, uuid: store) }),
                ("cancel", .refused, balanced, { try BtrfsBalance.cancel(root.mountpoint, uuid: store) })] as [(String, DockStoreError.Kind, String, () throws -> Void)] {
                do {
                    try attempt()
                    Issue.record("\(what): the other btrfs was read or balanced as the store")
                } catch let error as DockStoreError {
                    #expect(error.kind == kind, "\(what): \(error.message)")
                    #expect(error.message.contains(named) && error.message.contains(store), "\(what): \(error.message)")
                }
            }
            // Nothing mounted there (the root's own filesystem shows through): refused too.
            try root.sh("umount \(root.mountpoint)")
            #expect(throws: DockStoreError.self) { _ = try planned.figures() }
            // The mountpoint gone: the balance calls refuse, naming it, instead of failing to open it.
            try root.sh("mv \(root.mountpoint) \(root.mountpoint).moved")
            defer { _ = try? root.sh("mv \(root.mountpoint).moved \(root.mountpoint)") }
            for attempt in [{ _ = try BtrfsBalance.run(root.mountpoint, uuid: store, dataUsage: 0, metadataUsage: nil) },
                            { _ = try BtrfsBalance.progress(root.mountpoint, uuid: store) },
                            { try BtrfsBalance.cancel(root.mountpoint, uuid: store) }] as [() throws -> Void] {
                do {
                    try attempt()
                    Issue.record("a balance call through a missing mountpoint succeeded")
                } catch let error as DockStoreError {
                    #expect(error.kind == .refused && error.message.contains("\(root.mountpoint) is not a folder there now"), "\(error.message)")
                }
            }
        }
    }

    /// `reclaim --orphans` stopped before a delete while another btrfs with the same layout
    /// (an unreferenced subvolume of the same name) is mounted in the store's place: the
    /// subvolume is kept, the line names both UUIDs, exit 2; the store's orphan goes later.
    @Test func orphanDeletesRecheckTheFilesystem() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let (layer, orphan) = (Self.hex("a"), Self.hex("b"))
            let layout = { (m: String) in """
                mkdir -p \(m)/btrfs/subvolumes \(m)/image/btrfs/layerdb/sha256/\(Self.hex("1")) \(m)/image/btrfs/layerdb/mounts && \
                echo \(layer) > \(m)/image/btrfs/layerdb/sha256/\(Self.hex("1"))/cache-id && \
                btrfs -q subvolume create \(m)/btrfs/subvolumes/\(layer) && btrfs -q subvolume create \(m)/btrfs/subvolumes/\(orphan) && \
                echo precious > \(m)/btrfs/subvolumes/\(orphan)/f
                """ }
            try root.sh(layout(root.mountpoint))
            let store = try #require(try CapacityProbe.read(mountpoint: root.mountpoint).uuid)
            let other = try otherBtrfs(root)
            let elsewhere = root.path + "/elsewhere"
            try root.sh("mkdir \(elsewhere) && mount -o loop \(other.image) \(elsewhere) && \(layout(elsewhere)) && umount \(elsewhere)")
            let result = try root.runStopped(["reclaim", "--orphans"], before: "orphan-delete") {
                try root.sh("umount \(root.mountpoint) && mount -o loop \(other.image) \(root.mountpoint)")
            }
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            let path = root.mountpoint + "/btrfs/subvolumes/" + orphan
            #expect(result.stdout.contains("kept \(path): \(root.mountpoint) is on the btrfs \(other.uuid) now, not \(store)"), "\(result.stdout)")
            #expect(!result.stdout.contains("deleted"), "\(result.stdout)")
            #expect(root.read(path + "/f") == "precious\n", "DATA: the other btrfs's subvolume is kept")
            try root.sh("umount \(root.mountpoint)")
            #expect(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            #expect(root.read(path + "/f") == "precious\n", "the store's orphan was kept too")
            let again = try root.dockstore(["reclaim", "--orphans"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(again.stdout.contains("deleted \(path)\n"), "\(again.stdout)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.mountpoint + "/btrfs/subvolumes") == [layer])
        }
    }
}
