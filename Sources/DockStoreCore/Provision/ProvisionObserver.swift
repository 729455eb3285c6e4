/// Reads the host once for `provision` and `status`.
public struct ProvisionObserver: Sendable {
    public let host: Host
    public let resolver: DeviceResolver

    public init(host: Host, resolver: DeviceResolver = DeviceResolver()) {
        self.host = host
        self.resolver = resolver
    }

    public func observe(_ request: ProvisionRequest) throws -> ProvisionObservation {
        try observe(request, store: StoreObserver(host: host, image: request.image, mountpoint: request.mountpoint).observe())
    }

    /// Provision's input: the store as `store` saw it, plus what only provision reads (the
    /// requested device, the mountpoint folder, Docker's configuration files, free host space
    /// and systemd's mount unit).
    public func observe(_ request: ProvisionRequest, store: StoreObservation) throws -> ProvisionObservation {
        let imagePath = host.real(request.image)
        let mountpointPath = host.real(request.mountpoint)
        let mounts = MountTable(entries: try store.mounts.value())
        var observed = ProvisionObservation()
        if let deviceRequest = request.device {
            observed.device = try DeviceInspector(sysfs: resolver.sysfs, host: host)
                .observe(try resolver.waitFor(deviceRequest.spec, timeout: deviceRequest.wait), mounts: mounts)
        }

        let image = try store.image.value()
        switch image {
        case .file(let size, let allocated, let content, let loops):
            observed.image = .file(size: size, allocated: allocated, content: content)
            observed.imageLoops = loops.map(\.path)
            observed.unfitImageLoops = loops.filter { !$0.coversWholeFileWritable }.map { loop in
                "\(loop.path) (\([loop.readOnly ? "read-only" : nil, loop.offset > 0 ? "offset \(loop.offset)" : nil, loop.sizeLimit > 0 ? "size limit \(loop.sizeLimit)" : nil].compactMap { $0 }.joined(separator: ", ")))"
            }
            observed.imageMountedAt = try store.imageMountedAt()
            if case .signature("btrfs", let uuid?, _) = content {
                // Open through one of the image's own loop devices: a copy of the image
                // (same UUID, another device) mounted elsewhere is not this store.
                let names = Set(loops.map { String($0.path.dropFirst("/dev/".count)) })
                observed.imageFilesystemOpen = try BtrfsSysfs.members(uuid: uuid).contains { names.contains($0) }
            }
        case .notRegular(let kind):
            observed.image = .notRegular(kind)
        case .missing:
            observed.image = .missing
        }
        if request.device == nil {
            observed.unfinishedImage = try UnfinishedImage(host: host, image: request.image).leftover()
            observed.newImageUUID = RandomUUID.make()
        }
        observed.imageFolderExists = try FileStatus.following(host.realFollowing(request.image.parent))?.kind == .directory

        let mountpointStatus = try FileStatus.of(mountpointPath)
        observed.mountpointParentExists = try FileStatus.following(host.realFollowing(request.mountpoint.parent))?.kind == .directory
        switch mountpointStatus?.kind {
        case nil:
            observed.mountpoint = .missing
        case .directory?:
            let canonical = store.mountpoint
            if let entry = try store.mount() {
                var ofImage = observed.imageMountedAt.contains(canonical)
                if !ofImage, entry.fstype == "btrfs", case .file = image {
                    ofImage = try store.btrfsSpansImage()
                    if ofImage { observed.imageMountedAt.append(canonical) }
                }
                let ofDevice = observed.device?.mountedAt.contains(canonical) ?? false
                if !ofImage, let backing = try store.mountedSource.value()?.loopBackingFile {
                    observed.mountedImageDeleted = backing == imagePath + " (deleted)"
                }
                observed.mountpoint = .mounted(entry, ofImage: ofImage, ofDevice: ofDevice)
            } else {
                let names = try folderEntries(mountpointPath, limit: 4)
                observed.mountpoint = names.isEmpty ? .emptyFolder : .nonEmptyFolder(names)
            }
        case let kind?:
            observed.mountpoint = .notFolder(kind)
        }

        observed.fstab = try store.fstab.value()
        observed.dropIn = try FileContents.readString(HostPaths.dockerDropIn, on: host)
        observed.sysconfig = try FileContents.read(HostPaths.sysconfigDocker, on: host)
        observed.daemonJSON = try FileContents.read(HostPaths.daemonJSON, on: host)
        observed.bootDisabled = try store.bootDisabled.value()
        if observed.imageFolderExists {
            observed.hostAvailable = try HostSpace.of(host.realFollowing(request.image.parent)).available
        }
        observed.systemdRunning = try store.systemdRunning.value()
        if observed.systemdRunning {
            observed.mountUnit = try SystemdMountUnit.read(mountpoint: request.mountpoint.string)
        }
        return observed
    }

    /// The path with its folders' symlinks resolved (the mount table holds canonical paths);
    /// the last component is known not to be a symlink.
    func canonicalPath(_ path: String) -> String { Self.canonicalPath(path) }

    static func canonicalPath(_ path: String) -> String {
        let folder = AtomicFile.parentFolder(of: path)
        guard case .success(let base) = PathCalls.realPath(folder) else { return path }
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        return base == "/" ? "/" + name : base + "/" + name
    }

    func folderEntries(_ path: String, limit: Int) throws -> [String] {
        guard let names = FolderEntries.names(path, limit: limit) else {
            throw DockStoreError.system("cannot list", path, errno: Errno.current)
        }
        return names.sorted()
    }
}
