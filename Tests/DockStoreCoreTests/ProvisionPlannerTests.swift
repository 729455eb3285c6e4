import Testing
@testable import DockStoreCore

/// The provision planner against a table of observed states, the way k8s mount-utils tests
/// SafeFormatAndMount: every state → exactly which steps run, or which refusal.
@Suite struct ProvisionPlannerTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()
    static let request: ProvisionRequest = { (try? ProvisionRequest()) ?? { fatalError("bad defaults") }() }()
    static let btrfs = BlockContent.signature(type: "btrfs", uuid: "u", label: "docker")
    static let ourLine = "/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,discard=async,x-systemd.requires-mounts-for=/var/lib,x-systemd.before=dockstore-provision.service 0 0\n"
    static let loopMount = MountEntry(source: "/dev/loop0", target: "/var/lib/docker", fstype: "btrfs", options: "rw", device: 1)
    static let dropIn = DockerDropIn.render(mountpoint: HostPaths.defaultMountpoint, unit: MountUnitName.of(HostPaths.defaultMountpoint))
    static let mountDropIn = MountDropIn.render(image: HostPaths.defaultImage)
    static let sysconfig = Fixtures.sysconfigSUSE.replacingOccurrences("DOCKER_OPTS=\"\"", "DOCKER_OPTS=\"--storage-driver=btrfs\"")

    /// Everything in place.
    static var done: ProvisionObservation {
        ProvisionObservation.fixture(image: .file(size: 100 << 30, allocated: 5 << 20, content: btrfs),
                             mountpoint: .mounted(loopMount, ofImage: true), imageMountedAt: ["/var/lib/docker"],
                             fstab: ourLine, dropIn: dropIn, mountDropIn: mountDropIn, sysconfig: sysconfig, hostAvailable: 200 << 30)
    }

    static func with(_ change: (inout ProvisionObservation) -> Void) -> ProvisionObservation {
        var o = done
        change(&o)
        return o
    }

    static let cases: [(String, ProvisionObservation, [String])] = [
        ("fresh system", ProvisionObservation.fixture(hostAvailable: 200 << 30),
         ["folder-record", "create-image", "format", "install-image", "create-mountpoint", "mount", "fstab", "drop-in", "mount-drop-in", "sysconfig"]),
        ("a killed run left its unfinished image", {
            var o = ProvisionObservation.fixture(hostAvailable: 200 << 30)
            o.unfinishedImage = .removable(device: 1, inode: 2, allocated: 3 << 20)
            return o
        }(), ["folder-record", "remove-unfinished-image", "create-image", "format", "install-image", "create-mountpoint", "mount", "fstab", "drop-in", "mount-drop-in", "sysconfig"]),
        ("store in place, an unfinished image beside it", with { $0.unfinishedImage = .removable(device: 1, inode: 2, allocated: 0) },
         ["remove-unfinished-image"]),
        ("already provisioned", done, []),
        ("after a reboot: unmounted", with { $0.mountpoint = .emptyFolder; $0.imageMountedAt = [] }, ["mount"]),
        ("image exists, never formatted", with {
            $0.image = .file(size: 100 << 30, allocated: 0, content: .blank); $0.mountpoint = .emptyFolder; $0.imageMountedAt = []
        }, ["create-image", "format", "mount"]),
        ("crash right after creating the file", with {
            $0.image = .file(size: 0, allocated: 0, content: .blank); $0.mountpoint = .missing; $0.imageMountedAt = []
            $0.fstab = Array(("").utf8); $0.dropIn = nil; $0.mountDropIn = nil; $0.sysconfig = nil
        }, ["folder-record", "create-image", "format", "create-mountpoint", "mount", "fstab", "drop-in", "mount-drop-in", "sysconfig"]),
        ("legacy fstab line", with { $0.fstab = Array((Fixtures.fstabLegacy).utf8) }, ["fstab"]),
        ("fstab missing", with { $0.fstab = nil }, ["fstab"]),
        ("drop-in dockstore wrote for another mountpoint", with { $0.dropIn = Array(DockerDropIn.render(mountpoint: .known("/srv/docker"), unit: MountUnitName.of(.known("/srv/docker"))).utf8) }, ["drop-in"]),
        ("kiwi sysconfig already selects btrfs", with { $0.sysconfig = Array((Fixtures.sysconfigKiwi).utf8) }, []),
        ("sysconfig selects overlay2", with { $0.sysconfig = Array((Fixtures.sysconfigWithOptions).utf8) }, ["sysconfig"]),
        ("daemon.json selects btrfs: no flag", with { $0.daemonJSON = Array("{\"storage-driver\": \"btrfs\"}".utf8) }, ["sysconfig"]),
        ("daemon.json selects btrfs, flag already gone", with {
            $0.daemonJSON = Array("{\"storage-driver\": \"btrfs\"}".utf8); $0.sysconfig = Array((Fixtures.sysconfigSUSE).utf8)
        }, []),
        ("daemon.json sets btrfs storage-opts only: they stay beside --storage-driver", with { $0.daemonJSON = Array("{\"debug\": true, \"storage-opts\": [\"btrfs.min_space=1G\"]}".utf8) }, []),
        ("daemon.json sets another driver's storage-opts: its key goes", with { $0.daemonJSON = Array("{\"debug\": true, \"storage-opts\": [\"overlay2.size=1G\"]}".utf8) }, ["daemon-json"]),
        ("daemon.json sets storage-opts only, DOCKER_OPTS empty", with {
            $0.daemonJSON = Array("{\"storage-opts\": [\"btrfs.min_space=1G\"]}".utf8); $0.sysconfig = Array((Fixtures.sysconfigSUSE).utf8)
        }, ["sysconfig"]),
        ("daemon.json names btrfs last of two", with { $0.daemonJSON = Array("{\"storage-driver\": \"overlay2\", \"storage-driver\": \"btrfs\"}".utf8) }, ["sysconfig"]),
        ("systemd running: reload after unit changes", with { $0.systemdRunning = true; $0.dropIn = nil }, ["drop-in", "daemon-reload"]),
        ("systemd running, nothing to do", with { $0.systemdRunning = true }, []),
        // Attack 18, B-F2: a store an older version set up gets the mount unit's condition.
        ("the mount unit's drop-in missing (an older version)", with { $0.mountDropIn = nil }, ["mount-drop-in"]),
        ("the mount unit's drop-in missing, systemd running", with { $0.mountDropIn = nil; $0.systemdRunning = true }, ["mount-drop-in", "daemon-reload"]),
        ("the mount unit's drop-in names another image", with {
            $0.mountDropIn = Array(MountDropIn.render(image: .known("/srv/old.btrfs")).utf8)
        }, ["mount-drop-in"]),
        ("our line from before the boot ordering option", with {
            $0.fstab = Array((ourLine.replacingOccurrences(",x-systemd.before=dockstore-provision.service", "")).utf8)
        }, ["fstab"]),
        ("after a reboot: a leftover loop device over the image, unmounted", with {
            $0.mountpoint = .emptyFolder; $0.imageMountedAt = []; $0.imageLoops = ["/dev/loop3"]
        }, ["mount"]),
    ]

    @Test(arguments: cases)
    func plansSteps(_ name: String, _ observed: ProvisionObservation, _ expected: [String]) throws {
        let plan = try ProvisionPlanner.plan(observed, Self.request, Self.host)
        #expect(plan.steps.map(\.id) == expected, "\(name)")
    }

    static let refusals: [(String, ProvisionObservation, DockStoreError.Kind, String)] = [
        ("image holds ext4", with { $0.image = .file(size: 1 << 30, allocated: 1 << 20, content: .signature(type: "ext4", uuid: nil, label: nil)); $0.mountpoint = .emptyFolder; $0.imageMountedAt = [] },
         .refused, "holds a ext4 signature, not btrfs"),
        ("image holds unknown data", with { $0.image = .file(size: 1 << 30, allocated: 1 << 20, content: .unrecognizedData); $0.mountpoint = .emptyFolder; $0.imageMountedAt = [] },
         .refused, "never reformats"),
        ("image ambivalent", with { $0.image = .file(size: 1 << 30, allocated: 1 << 20, content: .ambivalent); $0.mountpoint = .emptyFolder; $0.imageMountedAt = [] },
         .refused, "more than one signature"),
        ("image unreadable", with { $0.image = .file(size: 1 << 30, allocated: 1 << 20, content: .unreadable("EIO")); $0.mountpoint = .emptyFolder; $0.imageMountedAt = [] },
         .failed, "cannot read"),
        ("image is a symlink", with { $0.image = .notRegular(.symlink); $0.mountpoint = .emptyFolder; $0.imageMountedAt = [] },
         .refused, "symbolic link"),
        ("image is a folder", with { $0.image = .notRegular(.directory); $0.mountpoint = .emptyFolder; $0.imageMountedAt = [] },
         .refused, "is a folder, not a regular file"),
        ("image folder missing", ProvisionObservation.fixture(imageFolderExists: false), .refused, "does not exist"),
        ("unfinished image attached to a loop device", with { $0.unfinishedImage = .held("/dev/loop7") },
         .refused, "docker-storage.btrfs.dockstore-new (an image a killed provision left unfinished) is attached to /dev/loop7"),
        ("unfinished image's name holds a folder", with { $0.unfinishedImage = .foreign(.directory) },
         .refused, "docker-storage.btrfs.dockstore-new is a folder, not an image dockstore left unfinished"),
        ("mountpoint holds Docker's data", with { $0.mountpoint = .nonEmptyFolder(["containers", "image"]); $0.imageMountedAt = [] },
         .refused, "would hide Docker's existing data"),
        ("mountpoint holds files, its .old name taken", with {
            $0.mountpoint = .nonEmptyFolder(["containers"]); $0.imageMountedAt = []; $0.mountpointAside = "/var/lib/docker.old.2"
        }, .refused, "(mv -n /var/lib/docker /var/lib/docker.old.2)"),
        ("mounted image replaced: check's verdict, with the free names observed", with {
            $0.mountpoint = .mounted(MountEntry(source: "/dev/loop0", target: "/var/lib/docker", fstype: "btrfs", options: "", device: 2), ofImage: false)
            $0.mountedImageDeleted = true; $0.image = .file(size: 1 << 30, allocated: 1 << 20, content: .unrecognizedData)
            var unlinked = StoreCondition.Image(path: "/var/lib/docker-storage.btrfs", loop: "/dev/loop0", link: .replaced)
            unlinked.asideNames = AsideNames(aside: "/var/lib/docker-storage.btrfs.aside.2", old: "-", short: "-", recovered: "/var/lib/docker-storage.btrfs.recovered.3")
            $0.mountedImageUnlinked = unlinked
        }, .refused, "refusing: the image /var/lib/docker-storage.btrfs was replaced by another file while mounted: the store runs on the deleted original and the next boot would mount the new file; move the new file aside (mv -n /var/lib/docker-storage.btrfs /var/lib/docker-storage.btrfs.aside.2), then do not unmount, detach /dev/loop0 or reboot: the data lives only in /dev/loop0 now; stop Docker and keep it stopped until the copy is mounted (systemctl stop docker), freeze the store (fsfreeze -f /var/lib/docker), copy it out past the page cache, which can hold stale blocks, into a file only root reads, which needs room for what the store holds in that folder (df -h) and a dd that ends without an error ((umask 077; dd if=/dev/loop0 of=/var/lib/docker-storage.btrfs.recovered.3 bs=1M iflag=direct conv=excl,sparse,fsync)), thaw it (fsfreeze -u /var/lib/docker), put the copy at the image's name (mv -n /var/lib/docker-storage.btrfs.recovered.3 /var/lib/docker-storage.btrfs), and run dockstore check, which says how to mount it; nothing was changed"),
        ("mountpoint is a file", with { $0.mountpoint = .notFolder(.regular); $0.imageMountedAt = [] }, .refused, "not a folder"),
        ("mountpoint busy with another device", with {
            $0.mountpoint = .mounted(MountEntry(source: "/dev/xvdf", target: "/var/lib/docker", fstype: "ext4", options: "", device: 2), ofImage: false)
            $0.imageMountedAt = []
        }, .refused, "/dev/xvdf (ext4) mounted on it"),
        ("image mounted elsewhere", with { $0.mountpoint = .emptyFolder; $0.imageMountedAt = ["/mnt"] }, .refused, "is mounted at /mnt, not at /var/lib/docker"),
        ("two loop devices over the image", with {
            $0.mountpoint = .emptyFolder; $0.imageMountedAt = []; $0.imageLoops = ["/dev/loop1", "/dev/loop2"]
        }, .refused, "2 loop devices are bound to"),
        ("image's filesystem open in another mount namespace", with {
            $0.mountpoint = .emptyFolder; $0.imageMountedAt = []; $0.imageFilesystemOpen = true
        }, .refused, "would make a second copy"),
        ("drop-in written by an admin", with { $0.dropIn = Array("[Unit]\n".utf8) }, .refused, "move them to another drop-in file such as"),
        ("the mount unit's drop-in holds an admin's lines", with { $0.mountDropIn = Array((mountDropIn + "ConditionPathExists=/etc/x\n").utf8) },
         .refused, "var-lib-docker.mount.d/dockstore.conf is not the drop-in dockstore writes"),
        ("admin lines in dockstore's drop-in, store unmounted", with {
            $0.dropIn = Array((dropIn + "[Service]\nEnvironment=HTTP_PROXY=http://proxy:3128\n").utf8); $0.mountpoint = .emptyFolder; $0.imageMountedAt = []
        }, .refused, "dockstore.conf is not the drop-in dockstore writes (its last line does not assert one absolute path"),
        ("foreign fstab line", with { $0.fstab = Array(("UUID=1 /var/lib/docker xfs defaults 0 0\n").utf8) }, .refused, "already mounts UUID=1"),
        ("daemon.json selects overlay2", with { $0.daemonJSON = Array(Fixtures.daemonConflict.utf8) },
         .refused, "/etc/docker/daemon.json sets \"storage-driver\": \"overlay2\", but the store takes the btrfs driver; provision does not override a driver set there: run dockstore backend btrfs"),
        ("daemon.json names overlay2 last of two", with { $0.daemonJSON = Array("{\"storage-driver\": \"btrfs\", \"storage-driver\": \"overlay2\"}".utf8) },
         .refused, "\"storage-driver\": \"overlay2\""),
        ("daemon.json selects vfs inside an object dockerd flattens", with { $0.daemonJSON = Array("{\"x\": {\"storage-driver\": \"vfs\"}}".utf8) },
         .refused, "\"storage-driver\": \"vfs\""),
        ("daemon.json invalid", with { $0.daemonJSON = Array("{ nope".utf8) }, .refused, "not valid JSON"),
        ("daemon.json not an object", with { $0.daemonJSON = Array("[1]".utf8) }, .refused, "does not hold a JSON object"),
        ("DOCKER_OPTS uses expansion", with { $0.sysconfig = Array(("DOCKER_OPTS=\"$X -s overlay2\"\n").utf8) }, .refused, "bash expands"),
    ]

    /// What a `mount -o loop` under way shows before its mount (the filesystem open, a loop
    /// device bound before its size is set) is refused marked as resting on an unshown mount,
    /// so the plan (and status) await a mount before the refusal stands (attack 52 V F10).
    @Test func refusalsOfAMountUnderWayAwaitAMount() throws {
        let open = Self.with { $0.mountpoint = .emptyFolder; $0.imageMountedAt = []; $0.imageFilesystemOpen = true }
        let unfit = Self.with { $0.mountpoint = .emptyFolder; $0.imageMountedAt = []; $0.unfitImageLoops = ["/dev/loop5 (0 bytes long, shorter than the image's 1073741824 bytes (attached before it grew): truncated)"] }
        for observed in [open, unfit] {
            #expect {
                _ = try ProvisionPlanner.plan(observed, Self.request, Self.host)
            } throws: { error in
                (error as? DockStoreError)?.restsOnAnUnshownMount == true
            }
        }
        #expect {
            _ = try ProvisionPlanner.plan(Self.with { $0.mountpoint = .notFolder(.regular); $0.imageMountedAt = [] }, Self.request, Self.host)
        } throws: { error in
            (error as? DockStoreError)?.restsOnAnUnshownMount == false
        }
    }

    @Test(arguments: refusals)
    func refuses(_ name: String, _ observed: ProvisionObservation, _ kind: DockStoreError.Kind, _ fragment: String) {
        do {
            let plan = try ProvisionPlanner.plan(observed, Self.request, Self.host)
            Issue.record("\(name): expected a refusal, got \(plan.steps.map(\.id))")
        } catch let error as DockStoreError {
            #expect(error.kind == kind, "\(name)")
            #expect(error.message.contains(fragment), "\(name): \(error.message)")
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    @Test func warnsWhenTheHostCannotBackTheImage() throws {
        var observed = ProvisionObservation.fixture(hostAvailable: 30 << 30)
        var plan = try ProvisionPlanner.plan(observed, Self.request, Self.host)
        #expect(plan.warnings.count == 1)
        #expect(plan.warnings.first?.contains("30 GiB free, less than the 100 GiB") == true)
        observed.hostAvailable = 200 << 30
        plan = try ProvisionPlanner.plan(observed, Self.request, Self.host)
        #expect(plan.warnings.isEmpty)
    }

    /// Attack 12 A2, A8/B11, B12: the mounted store's subvolume and data root.
    @Test func theMountedSubvolumeAndItsWriteLocks() throws {
        #expect(try ProvisionPlanner.plan(Self.with { $0.mountedRoot = BtrfsRootState() }, Self.request, Self.host).steps.isEmpty)
        let readOnly = try ProvisionPlanner.plan(Self.with { $0.mountedRoot = BtrfsRootState(subvolumeReadOnly: true) }, Self.request, Self.host)
        #expect(readOnly.steps.isEmpty)
        #expect(readOnly.warnings == ["the subvolume at /var/lib/docker is flagged read-only (btrfs property get /var/lib/docker ro): no write can succeed and dockerd cannot start on it, although the mount is read-write; btrfs property set /var/lib/docker ro false"])
        let immutable = try ProvisionPlanner.plan(Self.with { $0.mountedRoot = BtrfsRootState(immutable: true, appendOnly: true) }, Self.request, Self.host)
        #expect(immutable.warnings.count == 2 && immutable.warnings.allSatisfy { $0.hasPrefix("the data root /var/lib/docker has the ") }, "\(immutable.warnings)")
        #expect(throws: DockStoreError.refused(RootStateRules.subvolumeNotTopLevel(mountpoint: "/var/lib/docker", id: "256"))) {
            try ProvisionPlanner.plan(Self.with { $0.mountedRoot = BtrfsRootState(subvolumeID: 256, subvolumeReadOnly: true) }, Self.request, Self.host)
        }
    }

    @Test func thickRefusesUpFrontWhenTheHostLacksSpace() throws {
        let thick = try ProvisionRequest(size: 10 << 30, thick: true)
        #expect(throws: DockStoreError.self) {
            try ProvisionPlanner.plan(ProvisionObservation.fixture(hostAvailable: 5 << 30), thick, Self.host)
        }
        let plan = try ProvisionPlanner.plan(ProvisionObservation.fixture(hostAvailable: 50 << 30), thick, Self.host)
        #expect(plan.steps.map(\.id).prefix(2) == ["folder-record", "create-image"])
        #expect(plan.steps[1] == .allocateImage(size: 10 << 30, thick: true, existing: false))
        guard case .mount(_, _, let options) = plan.steps[5] else { Issue.record("expected mount"); return }
        #expect(options.contains("nodiscard"))
    }

    /// Attack 20 F6: the image gone (renamed away, a disk not attached) while fstab still mounts
    /// it: a new, empty store is made, and the run says the old one's data is not there. A
    /// fresh system, an fstab line for another source, and SUSE's legacy line say nothing of it.
    @Test func aMissingImageThatFstabMountsIsSaidToBeLost() throws {
        var lost = ProvisionObservation.fixture(hostAvailable: 200 << 30)
        lost.fstab = Array(("/dev/vda1 / ext4 defaults 0 1\n" + Self.ourLine).utf8)
        let plan = try ProvisionPlanner.plan(lost, Self.request, Self.host)
        #expect(plan.steps.map(\.id).contains("create-image"))
        #expect(plan.warnings == ["the image /var/lib/docker-storage.btrfs that /etc/fstab line 2 mounts at /var/lib/docker is missing: the store it held (Docker's images, containers and volumes) is not there, and provision makes a new, empty store in its place; if the image was only moved away or is on a disk that is not attached, put it back before Docker fills the new one (dockstore teardown --stop-docker --delete-image takes the new one down)"])
        #expect(try ProvisionPlanner.plan(ProvisionObservation.fixture(hostAvailable: 200 << 30), Self.request, Self.host).warnings.isEmpty)
        lost.fstab = Array("/dev/vda1 / ext4 defaults 0 1\n".utf8)
        #expect(try ProvisionPlanner.plan(lost, Self.request, Self.host).warnings.isEmpty)
        // SUSE's legacy line comes before its image (every instance's first boot): no alarm.
        lost.fstab = Array(Fixtures.fstabLegacy.utf8)
        #expect(try ProvisionPlanner.plan(lost, Self.request, Self.host).warnings.isEmpty)
        // Attack 21 F6: emptied under its line (truncated to 0 bytes): formatted anew, said so.
        let emptied = Self.with { $0.image = .file(size: 0, allocated: 0, content: .blank); $0.mountpoint = .emptyFolder; $0.imageMountedAt = [] }
        let again = try ProvisionPlanner.plan(emptied, Self.request, Self.host)
        #expect(again.steps.map(\.id).contains("format"))
        #expect(again.warnings.contains { $0.hasPrefix("the image /var/lib/docker-storage.btrfs that /etc/fstab line 1 mounts at /var/lib/docker holds no filesystem (0 B, no signature") }, "\(again.warnings)")
    }

    @Test func existingImageSizeIsKeptWithAWarning() throws {
        let request = try ProvisionRequest(size: 50 << 30)
        let plan = try ProvisionPlanner.plan(Self.done, request, Self.host)
        #expect(plan.steps.isEmpty)
        #expect(plan.warnings.contains { $0.hasPrefix("--size 50 GiB applies only when provision creates the image; /var/lib/docker-storage.btrfs exists (a file of ") }, "\(plan.warnings)")
    }

    /// Attack 33 T 17: DOCKSTORE_SIZE, a first-boot setting, was "not applied" at every boot
    /// after a grow, and the words called the file's size the filesystem's. The setting is said
    /// only when it asks for more than the file has; `--size` whenever it differs; both name
    /// the file, and grow with a value it reads back.
    @Test(arguments: [
        (UInt64(4 << 30), UInt64(2 << 30), true, nil),
        (UInt64(2 << 30), UInt64(2 << 30), true, nil),
        (UInt64(2 << 30), UInt64(3 << 30), true, "DOCKSTORE_SIZE 3 GiB applies only when provision creates the image; /i exists (a file of 2 GiB) and is kept as it is: dockstore grow --to 3G grows it"),
        (UInt64(4 << 30), UInt64(2 << 30), false, "--size 2 GiB applies only when provision creates the image; /i exists (a file of 4 GiB holding a btrfs) and is kept as it is"),
        (UInt64(2 << 30), UInt64(1536 << 20), false, "--size 1.5 GiB applies only when provision creates the image; /i exists (a file of 2 GiB holding a btrfs) and is kept as it is"),
        (UInt64(1 << 30), UInt64(1536 << 20), false, "--size 1.5 GiB applies only when provision creates the image; /i exists (a file of 1 GiB holding a btrfs) and is kept as it is: dockstore grow --to 1536M grows it"),
        (UInt64(2 << 30), UInt64(2 << 30), false, nil),
    ] as [(UInt64, UInt64, Bool, String?)])
    func aSizeForAnExistingImage(_ file: UInt64, _ asked: UInt64, _ fromSettings: Bool, _ said: String?) throws {
        var request = try ProvisionRequest(size: asked)
        request.sizeFromSettings = fromSettings
        #expect(ProvisionPlanner.sizeNotApplied(fileSize: file, request, imagePath: "/i") == said)
    }

    @Test func sizeFromTheSettingsIsKnownAsSuch() throws {
        let image = HostPath.known("/var/lib/docker-storage.btrfs"), mountpoint = HostPath.known("/var/lib/docker")
        #expect(try ProvisionChoices(settingsSize: 2 << 30).request(image: image, mountpoint: mountpoint, device: nil).sizeFromSettings)
        #expect(try !ProvisionChoices(size: 3 << 30, settingsSize: 2 << 30).request(image: image, mountpoint: mountpoint, device: nil).sizeFromSettings)
        #expect(try !ProvisionChoices().request(image: image, mountpoint: mountpoint, device: nil).sizeFromSettings)
    }

    @Test func everyStepHasAFailpointName() {
        let ids = ProvisionPlannerTests.cases.flatMap { $0.2 }
        #expect(Set(ids).isSubset(of: Set(ProvisionStep.Kind.ids)))
    }

    /// A new image is built under its temporary name with the UUID drawn at observation, and
    /// only the check-and-rename step puts it at the image's name; a blank image found at
    /// the name is formatted where it is.
    @Test func aNewImageIsBuiltUnderItsTemporaryNameAndRenamedIntoPlace() throws {
        var observed = ProvisionObservation.fixture(hostAvailable: 200 << 30)
        observed.newImageUUID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
        // The mountpoint is missing: the folder record comes first.
        let plan = try ProvisionPlanner.plan(observed, Self.request, Self.host)
        #expect(plan.steps.first?.id == "folder-record")
        #expect(Array(plan.steps.dropFirst().prefix(3)) == [
            .allocateImage(size: 100 << 30, thick: false, existing: false),
            .format(label: "docker", uuid: observed.newImageUUID, newImage: true),
            .installImage(uuid: observed.newImageUUID),
        ])
        let provisioner = Provisioner(host: Self.host, request: Self.request, settings: .read(ProvisionSettings()))
        #expect(plan.steps[1].plannedWrites(provisioner).map(\.path) == ["/var/lib/docker-storage.btrfs.dockstore-new"])
        #expect(plan.steps[3].describe(Self.request, Self.host) == "check that /var/lib/docker-storage.btrfs.dockstore-new holds the btrfs \(observed.newImageUUID) (libblkid), then rename it to /var/lib/docker-storage.btrfs")
        let blank = try ProvisionPlanner.plan(Self.with {
            $0.image = .file(size: 100 << 30, allocated: 0, content: .blank); $0.mountpoint = .emptyFolder; $0.imageMountedAt = []
        }, Self.request, Self.host)
        #expect(blank.steps.prefix(2).map(\.id) == ["create-image", "format"])
        #expect(blank.steps[0].plannedWrites(provisioner).map(\.path) == ["/var/lib/docker-storage.btrfs"])
    }
}
