/// Reads Docker's store once, for every command: the one place the facts commands share are
/// read. Each read that fails is kept as that fact's reason (`StoreFact.unreadable`), so one
/// unreadable fact stops only a planner that needs it, and stops it with the reason.
public struct StoreObserver: Sendable {
    /// Which facts to read: a command asks only for what it uses (grow reads the mount, not
    /// fstab); a fact not asked for is unreadable, naming that it was not read.
    public struct Parts: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// The mount table, the btrfs at the mountpoint and what its device holds.
        public static let mount = Parts(rawValue: 1 << 0)
        /// The image file, its content and its loop devices.
        public static let image = Parts(rawValue: 1 << 1)
        /// fstab, the migration and reclaim journals, the boot switch.
        public static let files = Parts(rawValue: 1 << 2)
        /// Whether systemd runs this root.
        public static let systemd = Parts(rawValue: 1 << 3)

        public static let all: Parts = [.mount, .image, .files, .systemd]
    }

    public let host: Host
    /// The image's real path; nil when the command does not know it (then `.image` is not read).
    public let imagePath: String?
    /// The mountpoint's real path.
    public let mountpointPath: String
    public let sysfs: String
    /// The mountpoint as a path inside --root, when the observer was made from one: fstab's
    /// lines are matched against it (the migration journal's judgment).
    public private(set) var mountpoint: HostPath? = nil
    /// /etc/sysconfig/dockstore as the command read it (`StorePaths`), once, before it knew
    /// its paths; every observation carries it. A command that got every path and needs no
    /// other setting passes `notAsked`, saying so: never a default.
    public let settings: StoreFact<ProvisionSettings>

    public init(host: Host, imagePath: String?, mountpointPath: String, sysfs: String,
                settings: StoreFact<ProvisionSettings>) {
        self.host = host
        self.imagePath = imagePath
        self.mountpointPath = mountpointPath
        self.sysfs = sysfs
        self.settings = settings
    }

    /// The observer for a command's image and mountpoint. A link at the mountpoint is followed
    /// inside --root (`realFollowing`): the mount table and the plain-path reads then look at
    /// the tree's folder it names, never the host's (issue 15); provision still sees the link
    /// itself (`ProvisionObserver` reads the mountpoint without following it) and refuses it.
    public init(host: Host, image: HostPath, mountpoint: HostPath, settings: StoreFact<ProvisionSettings>) {
        self.init(host: host, imagePath: host.real(image), mountpointPath: host.realFollowing(mountpoint), sysfs: "/sys", settings: settings)
        self.mountpoint = mountpoint
    }

    /// The observer for the paths `StorePaths` resolved, with the settings they were read with.
    public init(host: Host, paths: StorePaths) {
        self.init(host: host, image: paths.image, mountpoint: paths.mountpoint, settings: paths.settings)
    }

    /// The store as `check` sees it: the mountpoint given, else the one the settings name,
    /// observed by the kernel alone (`kernelView`).
    public static func checkView(host: Host, mountpoint given: String?, sysfs: String) throws -> StoreObservation {
        let (mountpoint, settings) = try StorePaths.mountpoint(host: host, given: given)
        // Read through a link at the mountpoint inside --root: `real` keeps the last link, and
        // the plain-path reads below would follow an absolute one out to the host's folder.
        var store = kernelView(mountpoint: host.realFollowing(mountpoint), sysfs: sysfs)
        store.mountedType = unlessForeignTree(store.mountedType, host: host, paths: [store.mountpoint])
        store.settings = settings
        store.mountpointPath = mountpoint
        store.root = host.root
        // fstab is read (a small file) only for what the store is configured as, an image, which
        // `CapacityProbe` compares with a loop member's file, or a device; unreadable matters
        // only then.
        let fstab: StoreFact<[UInt8]?> = .reading { try FileContents.read(HostPaths.fstab, on: host) }
        store.configuredImage = .reading {
            try ConfiguredImage.find(host: host, mountpoint: mountpoint, fstab: try fstab.value(), settings: settings)
        }
        store.configuredDevice = .reading { ConfiguredImage.namesDevice(mountpoint: mountpoint, fstab: try fstab.value()) }
        // The image fstab (else the settings) configures is the one a journal is judged by.
        store.migrationJournal = readJournal(host: host, mountpoint: store.mountpoint, inRoot: mountpoint, mountedType: store.mountedType,
                                             btrfs: store.btrfs, imagePath: store.configuredImage.known ?? nil, image: notAsked("the image"), fstab: fstab)
        // An unreadable fstab is check's UNKNOWN already, through the configured image.
        if case .read(let bytes) = fstab {
            store.fstabRejectedOption = .read(FstabRejectedOption.find(fstab: bytes, mountpoint: mountpoint, fstabPath: host.real(HostPaths.fstab)))
        }
        store.dockerdSettings = .reading { try DockerdStartSettings.read(host: host, mountpoint: mountpoint) }
        return store
    }

    public func observe(_ parts: Parts) -> StoreObservation {
        let mountpoint = ProvisionObserver.canonicalPath(mountpointPath)
        let mounts: StoreFact<[MountEntry]> = parts.contains(.mount)
            ? .reading { try MountTable.read().entries } : Self.notAsked("the mount table")
        var mountedType: StoreFact<String?> = parts.contains(.mount)
            ? mounts.map { entries in entries.last(where: { $0.target.sameBytes(mountpoint) })?.fstype }
            : Self.notAsked("what is mounted at the mountpoint")
        if case .read(_?) = mountedType {
            mountedType = Self.unlessHidden(mountedType, at: mountpoint)
        }
        if parts.contains(.mount) {
            mountedType = Self.unlessForeignTree(mountedType, host: host, paths: [mountpoint] + (imagePath.map { [$0] } ?? []))
        }
        let btrfs = Self.readBtrfs(mountedType, at: mountpoint, sysfs: sysfs, kernelMembers: true)
        let source: StoreFact<StoreObservation.MountedSource?>
        switch mounts {
        case .read(let entries):
            source = .reading {
                guard let entry = entries.last(where: { $0.target.sameBytes(mountpoint) }) else { return nil }
                return StoreObservation.MountedSource(content: BlockProbe.probe(entry.source),
                                                      loopBackingFile: try LoopDevice.backingFile(of: entry.source))
            }
        case .unreadable(let error):
            source = .unreadable(error)
        }
        let image: StoreFact<StoreObservation.Image>
        if parts.contains(.image), let imagePath {
            image = .reading { try Self.readImage(imagePath) }
        } else {
            image = Self.notAsked("the image")
        }
        let files = parts.contains(.files)
        let fstab: StoreFact<[UInt8]?> = files ? .reading { try FileContents.read(HostPaths.fstab, on: host) } : Self.notAsked("fstab")
        var observed = StoreObservation(
            imagePath: imagePath, mountpoint: mountpoint, mounts: mounts, mountedType: mountedType, btrfs: btrfs,
            mountedSource: source, image: image, settings: settings,
            fstab: fstab,
            migrationJournal: files ? Self.readJournal(host: host, mountpoint: mountpoint, inRoot: self.mountpoint, mountedType: mountedType,
                                                       btrfs: btrfs, imagePath: imagePath, image: image, fstab: fstab)
                : Self.notAsked("the migration journal"),
            reclaimOpen: files ? .reading { try host.statusInRoot(ReclaimJournal.path) != nil }
                : Self.notAsked("the reclaim journal"),
            bootDisabled: files ? .reading { try host.statusInRoot(HostPaths.bootDisabled) != nil }
                : Self.notAsked("the boot switch"),
            systemdRunning: parts.contains(.systemd) ? .reading {
                let runtime = try FileStatus.following(host.realFollowing(HostPaths.systemdRuntime))
                return host.isRunningSystem && runtime?.kind == .directory
            } : Self.notAsked("whether systemd runs"))
        observed.root = host.root
        return observed
    }

    /// `read` unless a later mount above the mountpoint hides what the mount table lists there
    /// (`HiddenMount`): then what is mounted cannot be told through the path, and every command
    /// refuses with the reason rather than reading the covering filesystem as the store.
    static func unlessHidden(_ read: StoreFact<String?>, at mountpoint: String) -> StoreFact<String?> {
        unless(read, .reading { try HiddenMount.find(at: mountpoint) }) { "\($0.described); \($0.remedy(then: "re-run"))" }
    }

    /// `read` unless a mount inside the `--root` tree on the way to `paths` brings a folder from
    /// outside it (`ForeignTreeMount`): every command then refuses with the reason, and check
    /// says it, rather than act on another tree's store and records.
    static func unlessForeignTree(_ read: StoreFact<String?>, host: Host, paths: [String]) -> StoreFact<String?> {
        guard !host.isRunningSystem else { return read }
        return unless(read, .reading { try ForeignTreeMount.find(root: host.root, paths: paths + HostPaths.consulted.map { host.real($0) }) }) { "refusing: \($0.refusal(root: host.root))" }
    }

    /// `read`, or the refusal for what `finding` found, or why it could not be looked for.
    private static func unless<Found>(_ read: StoreFact<String?>, _ finding: StoreFact<Found?>, refusal: (Found) -> String) -> StoreFact<String?> {
        switch finding {
        case .read(nil): return read
        case .read(let found?): return .unreadable(DockStoreError.refused(refusal(found)))
        case .unreadable(let error): return .unreadable(error)
        }
    }

    /// What is mounted at `mountpoint` and its btrfs, asked of the kernel alone (statx, statfs,
    /// the btrfs ioctls): no mount table, no library, nothing under `--root`, no host. `check`,
    /// run every minute, and the capacity re-reads of reclaim and migrate-ebs need no more.
    public static func kernelView(mountpoint: String, sysfs: String = "/sys") -> StoreObservation {
        let mountedType = StoreFact.reading { try CapacityProbe.mountedType(at: mountpoint) }
        return StoreObservation(
            imagePath: nil, mountpoint: mountpoint, mounts: notAsked("the mount table"), mountedType: mountedType,
            btrfs: readBtrfs(mountedType, at: mountpoint, sysfs: sysfs, kernelMembers: false), mountedSource: notAsked("the mounted device"),
            image: notAsked("the image"), settings: notAsked("the settings file"), fstab: notAsked("fstab"), migrationJournal: notAsked("the migration journal"),
            reclaimOpen: notAsked("the reclaim journal"), bootDisabled: notAsked("the boot switch"),
            systemdRunning: notAsked("whether systemd runs"))
    }

    /// The btrfs at the mountpoint, when what is mounted there is one; the names in
    /// /sys/fs/btrfs/<uuid>/devices only when `kernelMembers` is asked for.
    static func readBtrfs(_ mountedType: StoreFact<String?>, at mountpoint: String, sysfs: String,
                          kernelMembers: Bool) -> StoreFact<StoreObservation.Btrfs?> {
        switch mountedType {
        case .read(let type):
            return .reading {
                guard type == "btrfs" else { return nil }
                let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: sysfs)
                let members: StoreFact<[String]> = kernelMembers
                    ? .reading { try BtrfsSysfs.members(uuid: reading.uuid, sysfs: sysfs).sorted() }
                    : notAsked("the members in /sys/fs/btrfs/\(reading.uuid)/devices")
                return StoreObservation.Btrfs(reading: reading, kernelMembers: members)
            }
        case .unreadable(let error):
            return .unreadable(error)
        }
    }

    static func readImage(_ path: String) throws -> StoreObservation.Image {
        guard let status = try FileStatus.of(path) else { return .missing }
        guard status.kind == .regular else { return .notRegular(status.kind) }
        return .file(size: status.size, allocated: status.allocatedBytes, content: BlockProbe.probe(path),
                     loops: try LoopDevice.devices(backing: status))
    }

    public static func notAsked<Value>(_ what: String) -> StoreFact<Value> {
        .unreadable(DockStoreError(.failed, "dockstore did not read \(what) for this command (a fact it was not asked for)", code: StoreFact<Value>.notAskedCode))
    }
}
