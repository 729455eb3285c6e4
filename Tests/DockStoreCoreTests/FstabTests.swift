import Testing
@testable import DockStoreCore

@Suite struct FstabTests {
    let required = ["nofail", "discard=async", "x-systemd.requires-mounts-for=/var/lib"]
    let target = HostPaths.defaultMountpoint
    let source = HostPaths.defaultImage.string

    @Test(arguments: ["", "\n", "# c\n\n/dev/a / ext4 defaults 0 1", "UUID=x /boot vfat umask=0077 0 2\n# end\n", "garbage\n"])
    func roundTrips(_ text: String) {
        #expect(FstabFile(text: text).text == text)
    }

    @Test func appendsToFileWithoutFinalNewline() throws {
        var fstab = FstabFile(text: "/dev/a / ext4 defaults 0 1")
        guard case .append(let entry) = try fstab.storeLineEdit(source: source, target: target, fstype: "btrfs",
                                                                 requiredOptions: required, path: "fstab") else {
            Issue.record("expected append"); return
        }
        fstab.append(entry)
        // The line dockstore adds ends with a newline; the comment before it says the newline
        // that ends the admin's last line is dockstore's too (teardown takes both back).
        #expect(fstab.text == "/dev/a / ext4 defaults 0 1\n\(FstabFile.endedLineMark)\n/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,discard=async,x-systemd.requires-mounts-for=/var/lib 0 0\n")
        fstab.remove(lineAt: 2)
        #expect(fstab.text == "/dev/a / ext4 defaults 0 1")
    }

    @Test func adoptsTheLegacyLineInPlace() throws {
        var fstab = FstabFile(text: Fixtures.fstabLegacy)
        guard case .adopt(let index, _, let new) = try fstab.storeLineEdit(source: source, target: target, fstype: "btrfs",
                                                                            requiredOptions: required, path: "fstab") else {
            Issue.record("expected adopt"); return
        }
        #expect(index == 1)
        fstab.replace(lineAt: index, with: new)
        let lines = fstab.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[0] == "/dev/disk/by-uuid/0b9a7c2e-3f4d-4e6a-9c1b-8d2e5f6a7b8c / ext4 defaults 0 1")
        #expect(lines[1] == "/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,discard=async,x-systemd.requires-mounts-for=/var/lib 0 0")
        guard case .inPlace = try fstab.storeLineEdit(source: source, target: target, fstype: "btrfs",
                                                      requiredOptions: required, path: "fstab") else {
            Issue.record("a second edit must find the line in place"); return
        }
    }

    @Test func keepsAnAdminsOwnOptionsAndDiscardChoice() throws {
        let fstab = FstabFile(text: "/var/lib/docker-storage.btrfs /var/lib/docker/ btrfs nodiscard,compress=zstd 0 0\n")
        guard case .adopt(_, _, let new) = try fstab.storeLineEdit(source: source, target: target, fstype: "btrfs",
                                                                    requiredOptions: required, path: "fstab") else {
            Issue.record("expected adopt"); return
        }
        #expect(new.options == ["nodiscard", "compress=zstd", "nofail", "x-systemd.requires-mounts-for=/var/lib"])
    }

    /// Attack 20 F3: with `loop`, libmount takes a loop device whose backing file only has the
    /// image's name when the image is missing (another root's live store on the same kernel).
    /// An older line loses its bare `loop` when adopted; the options around it stay in order.
    @Test func anOlderLinesBareLoopIsDropped() throws {
        let request = try ProvisionRequest(image: HostPaths.defaultImage, mountpoint: target)
        #expect(!request.requiredMountOptions.contains("loop"))
        let fstab = FstabFile(text: "/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,loop,compress=zstd,\(ProvisionRequest.orderingOption) 0 0\n")
        guard case .adopt(_, _, let new) = try fstab.storeLineEdit(source: source, target: target, fstype: "btrfs",
                                                                    requiredOptions: request.requiredMountOptions, path: "fstab") else {
            Issue.record("expected adopt"); return
        }
        #expect(new.options == ["nofail", "compress=zstd", ProvisionRequest.orderingOption, "discard=async", "x-systemd.requires-mounts-for=/var/lib"])
    }

    @Test func refusesAForeignLine() {
        let fstab = FstabFile(text: "UUID=abc /var/lib/docker ext4 defaults 0 2\n")
        #expect(throws: DockStoreError.refused("/etc/fstab line 1 already mounts UUID=abc at /var/lib/docker; remove that line or choose another --mountpoint")) {
            try fstab.storeLineEdit(source: source, target: target, fstype: "btrfs", requiredOptions: required, path: "/etc/fstab")
        }
    }

    /// dockstore's own line for a volume store, while another device is named (attack 13 X6:
    /// after a reboot renamed the volumes): never "remove that line", which gives the store up.
    @Test func dockstoresOwnVolumeLineSaysToAttachTheVolume() {
        let fstab = FstabFile(text: "UUID=abc /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n")
        #expect(throws: DockStoreError.refused("/etc/fstab line 1 mounts UUID=abc at /var/lib/docker, the store dockstore set up on a volume, and UUID=def is not that volume (a reboot can give its name to another): attach the volume that holds UUID=abc (or name it by its vol-… id) and re-run; remove that line only to give up that store and the data on it")) {
            try fstab.storeLineEdit(source: "UUID=def", aliases: ["/dev/xvdf"], target: target, fstype: "btrfs", requiredOptions: required, path: "/etc/fstab")
        }
    }

    @Test func refusesDuplicatesAndTheImageMountedElsewhere() {
        let twice = FstabFile(text: "a /var/lib/docker btrfs defaults 0 0\nb /var/lib/docker btrfs defaults 0 0\n")
        #expect(throws: DockStoreError.self) {
            try twice.storeLineEdit(source: source, target: target, fstype: "btrfs", requiredOptions: required, path: "f")
        }
        let elsewhere = FstabFile(text: "/var/lib/docker-storage.btrfs /mnt btrfs defaults 0 0\n")
        #expect(throws: DockStoreError.self) {
            try elsewhere.storeLineEdit(source: source, target: target, fstype: "btrfs", requiredOptions: required, path: "f")
        }
    }

    @Test func escapesAndUnescapesFields() {
        let entry = FstabEntry(line: "/srv/my\\040image /mnt/x\\011y btrfs defaults 0 0")
        #expect(entry?.source == "/srv/my image")
        #expect(entry?.target == "/mnt/x\ty")
        #expect(entry?.rendered == "/srv/my\\040image /mnt/x\\011y btrfs defaults 0 0")
    }

    /// Found by the property test: Swift's split(separator: "\n") keeps "\r\n" whole, so a
    /// CRLF fstab read as one line and the store line was appended a second time.
    @Test func readsACRLFFileLineByLine() throws {
        let text = "/dev/vda / ext4 defaults 0 1\r\n/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,loop 0 0\r\n"
        let fstab = FstabFile(text: text)
        #expect(fstab.lines.count == 2)
        #expect(fstab.text == text)
        #expect(fstab.entries(mountingAt: HostPath.known("/var/lib/docker")).count == 1)
    }
}
