import Testing
@testable import DockStoreCore

/// Attack 26 L4: a journal is the store's only when the store holds its UUID; every state of
/// the store against it, including the ones of a real migration that must never be refused.
struct MigrationJournalStoreTests {
    static let journal = MigrationJournal(image: "/i", device: "/dev/xvdf", filesystemUUID: "AAAA-1", volumeID: nil,
                                          keepImage: false, method: .replace, imageInode: 12)

    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var view: MigrationJournal.StoreView
        var journal: MigrationJournal = MigrationJournalStoreTests.journal
        /// A part of the reason, or nil when the journal can be the store's.
        var reason: String?
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "mounted, same UUID (any case)", view: .init(mountpoint: "/m", mounted: .btrfs(uuid: "aaaa-1"), image: "/i"), reason: nil),
        Row(name: "mounted, same UUID, a copy of the image at its name (attack 25 J1)",
            view: .init(mountpoint: "/m", mounted: .btrfs(uuid: "aaaa-1"), image: "/i", imageUUID: "AAAA-1", imageInode: 99), reason: nil),
        Row(name: "mounted with the journal's UUID, the image holding another btrfs (attack 27 M4)",
            view: .init(mountpoint: "/m", mounted: .btrfs(uuid: "aaaa-1"), image: "/i", imageUUID: "cccc-3", imageInode: 12),
            reason: "but the image /i holds the btrfs cccc-3: the journal is not this store's, or that file is not the migration's image"),
        Row(name: "past the switch of fstab, another btrfs file at the image's name (attack 28 DI2)",
            view: .init(mountpoint: "/m", mounted: .btrfs(uuid: "aaaa-1"), image: "/i", imageUUID: "cccc-3", imageInode: 99, fstabUUID: "aaaa-1"),
            reason: nil),
        Row(name: "mounted under a temporary fsid, its superblocks the journal's",
            view: .init(mountpoint: "/m", mounted: .btrfs(uuid: "tttt-9", onDisk: "aaaa-1"), image: "/i"), reason: nil),
        Row(name: "boot, no btrfs in the image, fstab's line mounts another UUID (attack 27 M2)",
            view: .init(mountpoint: "/m", mounted: .none, image: "/i", fstabUUID: "dddd-4"),
            reason: "but fstab mounts the store at /m from UUID=dddd-4: the journal is not this store's"),
        Row(name: "boot past the point of return, fstab rewritten to the journal's UUID",
            view: .init(mountpoint: "/m", mounted: .none, image: "/i", fstabUUID: "AAAA-1"), reason: nil),
        Row(name: "mounted, another UUID", view: .init(mountpoint: "/m", mounted: .btrfs(uuid: "BBBB-2"), image: "/i"),
            reason: "/j records a migration of the btrfs aaaa-1, but the store mounted at /m is the btrfs bbbb-2: the journal is not this store's"),
        Row(name: "an xfs device store mounted", view: .init(mountpoint: "/m", mounted: .otherStore(fstype: "xfs"), image: "/i"),
            reason: "but the store mounted at /m is xfs, which no migration moves"),
        Row(name: "boot, the image holds the journal's btrfs", view: .init(mountpoint: "/m", mounted: .none, image: "/i", imageUUID: "aaaa-1", imageInode: 12), reason: nil),
        Row(name: "boot, the image scratched past the point of return", view: .init(mountpoint: "/m", mounted: .none, image: "/i"), reason: nil),
        Row(name: "boot, the image holds another btrfs, same file",
            view: .init(mountpoint: "/m", mounted: .none, image: "/i", imageUUID: "bbbb-2", imageInode: 12),
            reason: "but the image /i holds the btrfs bbbb-2: the journal is not this store's, or that file is not the migration's image"),
        Row(name: "boot, another file with another btrfs at the image's name",
            view: .init(mountpoint: "/m", mounted: .none, image: "/i", imageUUID: "bbbb-2", imageInode: 13),
            reason: "holds the btrfs bbbb-2, another file than the image that migration began with (inode 13, not 12)"),
        Row(name: "a journal from before UUIDs were recorded cannot tell",
            view: .init(mountpoint: "/m", mounted: .btrfs(uuid: "bbbb-2"), image: "/i"),
            journal: MigrationJournal(image: "/i", device: "/dev/xvdf", filesystemUUID: nil, volumeID: nil, keepImage: false), reason: nil),
    ]

    @Test(arguments: rows)
    func aJournalIsTheStoresOnlyWhenTheStoreHoldsItsUUID(_ row: Row) {
        let said = row.journal.foreignReason(row.view, journalPath: "/j")
        if let reason = row.reason {
            #expect(said?.contains(reason) == true, "\(said ?? "nil")")
            #expect(said?.hasSuffix("remove /j and re-run (nothing was changed)") == true, "\(said ?? "nil")")
        } else {
            #expect(said == nil)
        }
    }

    /// Attack 27 K1: with another btrfs at the image's name, the refusal says whether a device
    /// holding the journal's btrfs is attached here, which tells which way out is true.
    @Test(arguments: [
        (["/dev/loop7"] as [String]?, "/dev/loop7 attached here holds the btrfs aaaa-1, so that migration is this store's: move /i aside (put the migration's image back there if you still have it) and re-run", false),
        (["/dev/loop7", "/dev/loop9"], "/dev/loop7 and /dev/loop9 attached here hold the btrfs aaaa-1", false),
        ([], "no device attached here holds the btrfs aaaa-1: if that migration is this store's, attach its volume or put its image back at /i and re-run; if no migration", true),
        (nil, "; if that migration is this store's, put its image back at /i and re-run; if no migration", true),
    ])
    func theRefusalSaysWhetherTheJournalsVolumeIsAttached(_ holding: [String]?, _ expected: String, _ offersRemove: Bool) {
        let journal = MigrationJournal(image: "/i", device: "/dev/xvdf", filesystemUUID: "aaaa-1", volumeID: nil, keepImage: false,
                                       method: .replace, imageInode: 12)
        let view = MigrationJournal.StoreView(mountpoint: "/m", mounted: .none, image: "/i", imageUUID: "bbbb-2", imageInode: 13)
        var asked: [String] = []
        let said = journal.foreignReason(view, journalPath: "/j", holding: { asked.append($0); return holding }) ?? "nil"
        #expect(said.contains(expected), "\(said)")
        #expect(said.contains("remove /j and re-run") == offersRemove, "\(said)")
        #expect(asked == ["aaaa-1"])
        // Only that branch asks: a store mounted with another btrfs is refused without a scan.
        asked = []
        _ = journal.foreignReason(.init(mountpoint: "/m", mounted: .btrfs(uuid: "cccc-3"), image: "/i"), journalPath: "/j",
                                  holding: { asked.append($0); return holding })
        #expect(asked.isEmpty)
    }

    /// Attack 27 M1: a journal no dockstore wrote is not followed; an early dockstore's (device
    /// by name only) still is.
    @Test(arguments: [
        (MigrationJournal(image: "/i", device: "/dev/x", filesystemUUID: nil, volumeID: nil, keepImage: false, method: .replace, imageInode: 123),
         "but not the store's filesystem UUID"),
        (MigrationJournal(image: "/i", device: "/dev/x", filesystemUUID: "", volumeID: nil, keepImage: false), "its filesystemUUID '' is no filesystem UUID"),
        (MigrationJournal(image: "/i", device: "/dev/x", filesystemUUID: " 51497f1b-56ee-4867-a874-86f599526466", volumeID: nil, keepImage: false),
         "is no filesystem UUID"),
        (MigrationJournal(image: "/i", device: "/dev/x", filesystemUUID: "51497F1B-56EE-4867-A874-86F599526466", volumeID: nil, keepImage: false), nil),
        (MigrationJournal(image: "/i", device: "/dev/x", filesystemUUID: nil, volumeID: nil, keepImage: false), nil),
    ] as [(MigrationJournal, String?)])
    func aJournalNoDockstoreWroteIsNotFollowed(_ journal: MigrationJournal, _ why: String?) {
        #expect(journal.unwritten.map { why.map($0.contains) ?? false } ?? (why == nil), "\(journal.unwritten ?? "nil")")
    }
}
