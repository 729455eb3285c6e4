import DockStoreCore
import Testing

/// provision's warning while a migration is open never names a kernel name as the device to
/// give: a reboot can hand that name to another volume (A14).
struct MigrationJournalNoticeTests {
    @Test(arguments: [
        (MigrationJournal(image: "/var/lib/docker-storage.btrfs", device: "/dev/nvme1n1", filesystemUUID: "u",
                          volumeID: "vol-0123456789abcdef0", keepImage: false, method: .replace),
         "a migration of the store by replace is open (phase: moving) onto vol-0123456789abcdef0 (/dev/nvme1n1 when the migration began): dockstore migrate-ebs vol-0123456789abcdef0 finishes it; dockstore migrate-ebs vol-0123456789abcdef0 --abort keeps the store on the image"),
        (MigrationJournal(image: "/var/lib/docker-storage.btrfs", device: "/dev/xvdf", filesystemUUID: "u",
                          volumeID: nil, keepImage: false, method: nil),
         "a migration of the store by add-remove is open (phase: moving) onto the volume that was /dev/xvdf when the migration began (a reboot can rename it): dockstore migrate-ebs DEVICE, naming that volume, finishes it; with --abort it keeps the store on the image"),
    ])
    func namesTheVolumeByItsIdOrSaysTheNameIsOld(_ journal: MigrationJournal, _ expected: String) {
        #expect(journal.openNotice(imageInStore: true) == expected)
    }

    /// Attack 25 J3: past the point of return the boot's warning offered --abort, which then
    /// refused; it now says only finishing is left.
    @Test func pastThePointOfReturnNoAbortIsOffered() {
        let journal = MigrationJournal(image: "/var/lib/docker-storage.btrfs", device: "/dev/nvme1n1", filesystemUUID: "u",
                                       volumeID: "vol-0123456789abcdef0", keepImage: false, method: .replace)
        #expect(journal.openNotice(imageInStore: false) == "a migration of the store by replace is open (phase: moving) onto vol-0123456789abcdef0 (/dev/nvme1n1 when the migration began) (the image is no longer part of the store: the move is past its point of return, and only finishing it is left): dockstore migrate-ebs vol-0123456789abcdef0 finishes it")
        var old = journal
        old.volumeID = nil
        #expect(!old.openNotice(imageInStore: false).contains("--abort"))
    }
}
