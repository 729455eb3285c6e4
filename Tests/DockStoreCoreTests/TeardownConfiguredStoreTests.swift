import Testing
@testable import DockStoreCore

/// Teardown of a store Docker's configuration does not serve (attack 8, F7: an admin's
/// docker-labelled backup mounted at /mnt/restore, torn down by hand with its mountpoint and
/// image) takes down that store only: the drop-in, the storage flags, the folder and format
/// records and the boot unit stay with the store at the mountpoint the drop-in names.
@Suite struct TeardownConfiguredStoreTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()
    static let backup = TeardownRequest(image: .known("/srv/backup/b.img"), mountpoint: .known("/mnt/restore"))

    /// The backup mounted at /mnt/restore through /dev/loop1; the live store's configuration in place.
    static func observed(configuredFor other: HostPath?) throws -> TeardownObservation {
        var sysconfig = try SysconfigFile(path: "/etc/sysconfig/docker", bytes: SysconfigFile.createdByDockstore)
        _ = try sysconfig.setDockerStorage(driver: "btrfs", options: [])
        var o = TeardownObservation.fixture(
            mounted: MountEntry(source: "/dev/loop1", target: "/mnt/restore", fstype: "btrfs", options: "rw", device: 3),
            imageLoops: ["/dev/loop1"], imageExists: true,
            fstab: "/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,loop 0 0\n", storeUUID: "b", dropIn: .dockstore,
            sysconfig: String(decoding: sysconfig.bytes, as: UTF8.self))
        o.folderRecord = [HostPath.known("/etc/systemd/system/docker.service.d"), HostPath.known("/var/lib/dockstore")]
        o.configuredForOtherStore = other
        return o
    }

    @Test func theBackupIsTakenDownAndTheLiveStoresConfigurationStays() throws {
        let o = try Self.observed(configuredFor: .known("/var/lib/docker"))
        let steps = try TeardownPlanner.plan(o, Self.backup, Self.host)
        #expect(steps.map(\.id) == ["unmount", "detach-loop"])
        let note = try #require(try TeardownPlanner.configurationNote(o, Self.backup, Self.host))
        #expect(!note.contains("\n"))
        #expect(note.hasPrefix("kept Docker's configuration (dockstore-provision.service at boot, the storage flags in /etc/sysconfig/docker, /etc/systemd/system/docker.service.d/dockstore.conf, the folders provision made (/var/lib/dockstore/provision-folders))"), "\(note)")
        #expect(note.hasSuffix("it serves the store at /var/lib/docker, not the one at /mnt/restore; to take that store down too, run dockstore teardown --mountpoint /var/lib/docker"), "\(note)")
    }

    @Test func theConfiguredStoresTeardownTakesItsConfigurationDown() throws {
        let o = try Self.observed(configuredFor: nil)
        let steps = try TeardownPlanner.plan(o, Self.backup, Self.host)
        #expect(steps.map(\.id) == ["unmount", "detach-loop", "disable-boot", "sysconfig", "drop-in", "folders"])
        #expect(try TeardownPlanner.configurationNote(o, Self.backup, Self.host) == nil)
    }

    /// Nothing at the default mountpoint, the drop-in naming another: nothing to do, and the line
    /// says where the configured store is.
    @Test func nothingHereAndTheConfigurationServesAnotherMountpoint() throws {
        var o = TeardownObservation.fixture(dropIn: .dockstore)
        o.configuredForOtherStore = .known("/srv/docker")
        let request = TeardownRequest()
        #expect(try TeardownPlanner.plan(o, request, Self.host).isEmpty)
        let note = try #require(try TeardownPlanner.configurationNote(o, request, Self.host))
        #expect(note.contains("it serves the store at /srv/docker, not the one at /var/lib/docker; to take that store down too, run dockstore teardown --mountpoint /srv/docker"), "\(note)")
    }

    /// Every step kind is sorted into the store's or the configuration's.
    @Test func configurationSteps() {
        let kept: Set<TeardownStep.Kind> = [.disableBoot, .removeDropIn, .writeSysconfig, .giveBackDaemonJSON, .removeDaemonJSONRecord,
                                            .removeFolders, .forgetFormatRecord]
        let examples: [TeardownStep] = [.disableBoot, .removeDropIn, .removeSysconfig(change: ""), .removeDaemonJSONRecord(givenBack: false),
                                        .removeFolders([], record: true), .unmount(target: "/x", identity: MountedIdentity(device: 7, uuid: nil)),
                                        .detachLoops([]), .wipeDevice(path: "/dev/x", uuid: "u"), .reloadSystemd]
        for step in examples { #expect(step.isConfiguration == kept.contains(step.kind), "\(step.kind)") }
    }
}

/// Paths are compared byte for byte (attack 10): two spellings of `/srv/café` are two folders.
@Suite struct PathBytesTests {
    @Test func canonicallyEquivalentPathsAreNotTheSame() throws {
        let nfc = try HostPath("/srv/caf\u{E9}", what: "p"), nfd = try HostPath("/srv/cafe\u{301}", what: "p")
        #expect(nfc.string == nfd.string, "Swift's String == is canonical equivalence (why HostPath has its own)")
        #expect(nfc != nfd)
        #expect(Set([nfc, nfd]).count == 2)
        let fstab = FstabFile(bytes: Array("/img \(nfd.string) btrfs nofail 0 0\n".utf8))
        #expect(fstab.entries(mountingAt: nfc).isEmpty)
        #expect(fstab.entries(mountingAt: nfd).count == 1)
        #expect(!"/srv/caf\u{E9}/x".hasBytePrefix("/srv/cafe\u{301}/"))
    }
}
