import DockStoreCore
import Testing

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
        Row(name: "mounted, same UUID, another btrfs at the image's name (attack 25 J1)",
            view: .init(mountpoint: "/m", mounted: .btrfs(uuid: "aaaa-1"), image: "/i", imageUUID: "cccc", imageInode: 99), reason: nil),
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
}
