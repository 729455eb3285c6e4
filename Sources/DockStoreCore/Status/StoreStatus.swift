import FoundationEssentials

/// What `dockstore status` reports: where Docker's storage is, whether it is mounted, and
/// whether fstab, the docker.service drop-in and DOCKER_OPTS agree with it. The problems
/// are exactly what `provision` would change (or why it would refuse), so the two never
/// disagree about what "in place" means.
public struct StoreStatus: Codable, Sendable, Equatable {
    public struct Image: Codable, Sendable, Equatable {
        public var path: String
        public var exists: Bool
        public var apparentBytes: UInt64?
        public var allocatedBytes: UInt64?
        public var content: String?
    }

    public struct Filesystem: Codable, Sendable, Equatable {
        public var uuid: String
        public var label: String?
        public var sizeBytes: UInt64
        public var freeBytes: UInt64
        public var devices: UInt64
    }

    /// "image" or "device".
    public var store: String
    public var image: Image
    public var mountpoint: String
    public var mounted: Bool
    /// The mounted block device (a loop device for an image).
    public var device: String?
    public var filesystem: Filesystem?
    public var fstab: String
    public var dropIn: String
    public var dockerStorageDriver: String?
    public var dockerStorageDriverSource: String?
    public var dockerOpts: String
    public var problems: [String]
    public var warnings: [String]

    public var inPlace: Bool { problems.isEmpty }

    public static func inspect(host: Host, request: ProvisionRequest) throws -> StoreStatus {
        let provisioner = Provisioner(host: host, request: request)
        let observed = try provisioner.observe()
        let imagePath = host.real(request.image)
        var status = StoreStatus(store: "image", image: Image(path: imagePath, exists: false),
                                 mountpoint: host.real(request.mountpoint), mounted: false,
                                 fstab: "in place", dropIn: "in place", dockerOpts: "in place",
                                 problems: [], warnings: [])
        if case .file(let size, let allocated, let content) = observed.image {
            status.image = Image(path: imagePath, exists: true, apparentBytes: size, allocatedBytes: allocated,
                                 content: content.summary)
        } else if case .notRegular(let kind) = observed.image {
            status.image.content = kind.rawValue
        }
        if case .mounted(let entry, let ofImage) = observed.mountpoint {
            status.mounted = ofImage
            status.device = entry.source
            if !ofImage { status.store = "device" }
            if entry.fstype == "btrfs", let fs = try? BtrfsFilesystem.open(status.mountpoint) {
                let space = try? HostSpace.of(status.mountpoint)
                var label: String? = nil
                if case .signature(_, _, let l) = BlockProbe.probe(entry.source) { label = l }
                status.filesystem = Filesystem(uuid: fs.uuid, label: label, sizeBytes: space?.total ?? 0,
                                               freeBytes: space?.available ?? 0, devices: fs.deviceCount)
            }
        }
        if let daemon = observed.daemonJSON.flatMap({ try? DaemonJSON(path: "", text: $0) }), let driver = daemon.storageDriver {
            status.dockerStorageDriver = driver
            status.dockerStorageDriverSource = host.real(HostPaths.daemonJSON)
        } else if let text = observed.sysconfig, let file = try? SysconfigFile(path: "", text: text),
                  let driver = file.dockerStorage.driver {
            status.dockerStorageDriver = driver
            status.dockerStorageDriverSource = "DOCKER_OPTS in \(host.real(HostPaths.sysconfigDocker))"
        }

        do {
            let plan = try provisioner.plan(observed)
            status.warnings = plan.warnings
            for step in plan.steps {
                switch step {
                case .allocateImage, .format: status.problems.append("the image is not ready: \(step.describe(request, host)) is pending")
                case .createMountpoint, .mount: status.problems.append("not mounted: \(step.describe(request, host)) is pending")
                case .writeFstab(_, let change): status.fstab = change; status.problems.append("fstab: \(change)")
                case .writeDropIn(_, let change): status.dropIn = change; status.problems.append("docker.service drop-in: \(change)")
                case .writeSysconfig(_, let change): status.dockerOpts = change; status.problems.append("DOCKER_OPTS: \(change)")
                case .reloadSystemd: break
                }
            }
        } catch let error as DockStoreError {
            status.problems.append(error.message)
        }
        return status
    }

    public func renderJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        return String(decoding: data, as: UTF8.self)
    }

    public func renderText() -> String {
        var lines: [String] = []
        func row(_ key: String, _ value: String) { lines.append(key.padding(12) + value) }
        row("store:", store == "image" ? "image \(image.path)" : "device \(device ?? "?")")
        if image.exists, let apparent = image.apparentBytes, let allocated = image.allocatedBytes {
            row("image:", "\(ByteSize.format(apparent)) apparent, \(ByteSize.format(allocated)) allocated, \(image.content ?? "")")
        } else if store == "image" {
            row("image:", image.content.map { "a \($0) (not usable)" } ?? "missing")
        }
        row("mounted:", mounted ? "yes, \(device ?? "?") at \(mountpoint)" : "no (\(mountpoint))")
        if let fs = filesystem {
            row("filesystem:", "btrfs \(fs.uuid)\(fs.label.map { " label '\($0)'" } ?? ""), \(ByteSize.format(fs.sizeBytes)) size, \(ByteSize.format(fs.freeBytes)) free, \(fs.devices) device(s)")
        }
        row("fstab:", fstab)
        row("drop-in:", dropIn)
        row("DOCKER_OPTS:", dockerOpts)
        row("driver:", dockerStorageDriver.map { "\($0) (from \(dockerStorageDriverSource ?? "?"))" } ?? "not set (dockerd picks one)")
        for warning in warnings { lines.append("warning: \(warning)") }
        if problems.isEmpty {
            lines.append("state:      in place")
        } else {
            lines.append("state:      \(problems.count) problem(s); 'dockstore provision' fixes what it can:")
            for problem in problems { lines.append("  - \(problem)") }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
