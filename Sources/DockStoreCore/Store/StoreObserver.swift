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

    public init(host: Host, imagePath: String?, mountpointPath: String, sysfs: String = "/sys") {
        self.host = host
        self.imagePath = imagePath
        self.mountpointPath = mountpointPath
        self.sysfs = sysfs
    }

    /// The observer for a command's `--image` and `--mountpoint`.
    public init(host: Host, image: HostPath, mountpoint: HostPath) {
        self.init(host: host, imagePath: host.real(image), mountpointPath: host.real(mountpoint))
    }

    public func observe(_ parts: Parts = .all) -> StoreObservation {
        let mountpoint = ProvisionObserver.canonicalPath(mountpointPath)
        let mounts: StoreFact<[MountEntry]> = parts.contains(.mount)
            ? .reading { try MountTable.read().entries } : Self.notAsked("the mount table")
        let entry = mounts.known?.last(where: { $0.target == mountpoint })
        let btrfs: StoreFact<StoreObservation.Btrfs?>
        let source: StoreFact<StoreObservation.MountedSource?>
        switch mounts {
        case .read:
            btrfs = .reading {
                guard let entry, entry.fstype == "btrfs" else { return nil }
                let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: sysfs)
                return StoreObservation.Btrfs(reading: reading,
                                              kernelMembers: try BtrfsSysfs.members(uuid: reading.uuid, sysfs: sysfs).sorted())
            }
            source = .reading {
                guard let entry else { return nil }
                return StoreObservation.MountedSource(content: BlockProbe.probe(entry.source),
                                                      loopBackingFile: try LoopDevice.backingFile(of: entry.source))
            }
        case .unreadable(let error):
            btrfs = .unreadable(error)
            source = .unreadable(error)
        }
        let image: StoreFact<StoreObservation.Image>
        if parts.contains(.image), let imagePath {
            image = .reading { try Self.readImage(imagePath) }
        } else {
            image = Self.notAsked("the image")
        }
        let files = parts.contains(.files)
        return StoreObservation(
            imagePath: imagePath, mountpoint: mountpoint, mounts: mounts, btrfs: btrfs, mountedSource: source, image: image,
            fstab: files ? .reading { try FileContents.read(HostPaths.fstab, on: host) } : Self.notAsked("fstab"),
            migrationJournal: files ? .reading { try MigrationJournal.read(host: host) } : Self.notAsked("the migration journal"),
            reclaimOpen: files ? .reading { try FileStatus.of(host.real(ReclaimJournal.path)) != nil }
                : Self.notAsked("the reclaim journal"),
            bootDisabled: files ? .reading { try FileStatus.of(host.real(HostPaths.bootDisabled)) != nil }
                : Self.notAsked("the boot switch"),
            systemdRunning: parts.contains(.systemd) ? .reading {
                let runtime = try FileStatus.following(host.realFollowing(HostPaths.systemdRuntime))
                return host.isRunningSystem && runtime?.kind == .directory
            } : Self.notAsked("whether systemd runs"))
    }

    static func readImage(_ path: String) throws -> StoreObservation.Image {
        guard let status = try FileStatus.of(path) else { return .missing }
        guard status.kind == .regular else { return .notRegular(status.kind) }
        return .file(size: status.size, allocated: status.allocatedBytes, content: BlockProbe.probe(path),
                     loops: try LoopDevice.devices(backing: status))
    }

    static func notAsked<Value>(_ what: String) -> StoreFact<Value> {
        .unreadable(DockStoreError.failed("dockstore did not read \(what) for this command (a fact it was not asked for)"))
    }
}
