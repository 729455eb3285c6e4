import Testing
@testable import DockStoreCore

/// Boot after a power cut mid-replace, or after a cancel that never reached the disk:
/// provision mounts the image degraded only where the one device degraded lets be missing is
/// the replace's target.
@Suite struct InterruptedReplaceTests {
    static let journal = MigrationJournal(image: "/var/lib/docker-storage.btrfs", device: "/dev/nvme1n1", filesystemUUID: "u",
                                          volumeID: nil, keepImage: false, method: .replace)

    static let cases: [(String, BtrfsSuperblock?, MigrationJournal?, Bool)] = [
        ("the journal's single-device store on the image", BtrfsSuperblock(fsid: "u", devid: 1, numDevices: 1), journal, true),
        // a cancel that never reached the disk (an older --abort, or btrfs replace cancel by
        // hand): no journal, and the same proof that only the target can be missing.
        ("no journal, a single-device store on the image", BtrfsSuperblock(fsid: "u", devid: 1, numDevices: 1), nil, true),
        ("no journal, a store that counts two devices", BtrfsSuperblock(fsid: "u", devid: 1, numDevices: 2), nil, false),
        ("no journal, the image holds a replace target's superblock (devid 0)", BtrfsSuperblock(fsid: "u", devid: 0, numDevices: 1), nil, false),
        ("no journal, no btrfs superblock on the image", nil, nil, false),
        ("an add + remove journal (the store may span two real members)", BtrfsSuperblock(fsid: "u", devid: 1, numDevices: 1),
         MigrationJournal(image: "i", device: "/dev/nvme1n1", filesystemUUID: "u", volumeID: nil, keepImage: false, method: .addRemove), false),
        ("a journal from before identities and methods were recorded", BtrfsSuperblock(fsid: "u", devid: 1, numDevices: 1),
         MigrationJournal(image: "i", device: "/dev/nvme1n1", filesystemUUID: nil, volumeID: nil, keepImage: false), false),
        ("another filesystem on the image", BtrfsSuperblock(fsid: "other", devid: 1, numDevices: 1), journal, false),
        ("a store that counts two devices: a real member could be the missing one", BtrfsSuperblock(fsid: "u", devid: 1, numDevices: 2),
         journal, false),
        ("the image holds a replace target's superblock (devid 0)", BtrfsSuperblock(fsid: "u", devid: 0, numDevices: 1), journal, false),
        ("no btrfs superblock on the image (the replace finished and scratched it)", nil, journal, false),
    ]

    @Test(arguments: Self.cases)
    func mountsDegradedOnlyWhereTheTargetIsAllThatCanBeMissing(_ name: String, _ image: BtrfsSuperblock?,
                                                              _ journal: MigrationJournal?, _ expected: Bool) {
        #expect(InterruptedReplace.mayMountDegraded(image, journal: journal) == expected, "\(name)")
    }
}
