/// First-boot settings from `/etc/sysconfig/dockstore` (the same shell-variable format as
/// /etc/sysconfig/docker, with SUSE's `## Type/Default` headers). Image builders bake it
/// into the image; command-line options override it. A key dockstore does not know, or a
/// value it cannot use, is refused naming the line; so is a file anyone but root could
/// have written (as sshd refuses loose permissions). `--force` has no key on purpose: a
/// boot-time default must never format over data.
public struct ProvisionSettings: Sendable, Equatable {
    public var image: HostPath?
    public var size: UInt64?
    public var thick: Bool?
    public var device: DeviceSpec?
    public var volumeID: EBSVolumeID?
    public var filesystem: DeviceFilesystem?
    public var mountpoint: HostPath?
    public var mountOptions: [String] = []
    public var backend: StorageDriver?
    public var backendOptions: [String] = []
    public var wait: Double?

    public static let keys = ["DOCKSTORE_IMAGE", "DOCKSTORE_SIZE", "DOCKSTORE_THICK", "DOCKSTORE_DEVICE",
                              "DOCKSTORE_VOLUME_ID", "DOCKSTORE_FS", "DOCKSTORE_MOUNTPOINT", "DOCKSTORE_MOUNT_OPTIONS",
                              "DOCKSTORE_BACKEND", "DOCKSTORE_BACKEND_OPTIONS", "DOCKSTORE_WAIT"]

    public static let path = HostPath.known("/etc/sysconfig/dockstore")

    public init() {}

    /// The settings under `host`, or empty settings when the file does not exist.
    public static func load(host: Host) throws -> ProvisionSettings { try loadFile(host: host).settings }

    /// The file's bytes (nil when it does not exist) and its settings, after the checks the boot
    /// makes of it: one read, for a command that edits the file it judged (`backend`).
    public static func loadFile(host: Host) throws -> (bytes: [UInt8]?, settings: ProvisionSettings) {
        let real = host.real(path)
        guard let status = try FileStatus.of(real) else { return (nil, ProvisionSettings()) }
        guard status.kind == .regular else {
            throw DockStoreError.refused("\(real) is a \(status.kind.rawValue), not a regular file; replace it with the settings file itself")
        }
        if status.uid != 0 || status.mode & 0o022 != 0 {
            let writers = [(0o020, "its group"), (0o002, "others")].filter { status.mode & UInt32($0.0) != 0 }.map(\.1)
            let who = status.uid != 0 ? "owned by uid \(status.uid), not root" : "writable by \(writers.joined(separator: " and ")) (mode \(String(status.mode, radix: 8)))"
            throw DockStoreError.refused("refusing \(real): it is \(who); anyone who can write it decides what gets formatted at boot; chown root and chmod go-w it")
        }
        try refuseLooseFolders(of: real, root: host.root)
        guard let bytes = try FileContents.read(path, on: host) else { return (nil, ProvisionSettings()) }
        return (bytes, try parse(bytes: bytes, path: real))
    }

    /// DOCKSTORE_BACKEND_OPTIONS as options of DOCKSTORE_BACKEND (none without a driver).
    public func driverOptions() throws -> [StorageOption] {
        try backend.map { driver in try backendOptions.map { try StorageOption(parsing: $0, for: driver) } } ?? []
    }

    public static func parse(_ text: String, path: String) throws -> ProvisionSettings {
        try parse(bytes: Array(text.utf8), path: path)
    }

    /// A value is used as the bytes the file holds or refused: one that is not UTF-8 could not
    /// be written into fstab and unit files that systemd reads (it ignores such a line).
    public static func parse(bytes: [UInt8], path: String) throws -> ProvisionSettings {
        let file = try SysconfigFile(path: path, bytes: bytes, systemdReadsIt: false)
        var settings = ProvisionSettings()
        for assignment in file.assignments {
            let name = assignment.name
            let at = "\(path) line \(assignment.line)"
            guard keys.contains(name) else {
                throw DockStoreError.usage("\(at): unknown setting \(name); dockstore knows \(keys.joined(separator: ", "))")
            }
            guard let utf8Value = assignment.utf8Value else {
                throw DockStoreError.usage("\(at): \(name) '\(ShownBytes.text(assignment.valueBytes))' is not UTF-8; systemd reads fstab and unit files only as UTF-8: give it in UTF-8")
            }
            let value = utf8Value.trimmingWhitespace()
            if assignment.expands {
                throw DockStoreError.usage("\(at): \(name) uses shell expansion; write the value out literally")
            }
            if value.isEmpty { continue }
            func wrap<T>(_ body: () throws -> T) throws -> T {
                do { return try body() } catch let error as DockStoreError {
                    throw DockStoreError.usage("\(at): \(error.message)")
                }
            }
            switch name {
            // Paths are taken as written, never trimmed: a space in one is refused by HostPath.
            case "DOCKSTORE_IMAGE": settings.image = try wrap { try HostPath.file(utf8Value, what: name) }
            case "DOCKSTORE_SIZE":
                let size = try wrap { try ByteSize.parse(value, what: name) }
                guard size >= ProvisionRequest.minimumSize else {
                    throw DockStoreError.usage("\(at): DOCKSTORE_SIZE '\(value)' is below \(ByteSize.format(ProvisionRequest.minimumSize)), the smallest image mkfs.btrfs can format")
                }
                settings.size = size
            case "DOCKSTORE_THICK":
                switch value.lowercased() {
                case "yes", "true", "1": settings.thick = true
                case "no", "false", "0": settings.thick = false
                default: throw DockStoreError.usage("\(at): DOCKSTORE_THICK '\(value)' is not yes or no")
                }
            case "DOCKSTORE_DEVICE": settings.device = try wrap { try DeviceSpec(utf8Value) }
            case "DOCKSTORE_VOLUME_ID": settings.volumeID = try wrap { try EBSVolumeID(parsing: value, what: name) }
            case "DOCKSTORE_FS":
                guard let fs = DeviceFilesystem(rawValue: value) else {
                    throw DockStoreError.usage("\(at): DOCKSTORE_FS '\(value)' is not one of btrfs, xfs, ext4")
                }
                settings.filesystem = fs
            case "DOCKSTORE_MOUNTPOINT": settings.mountpoint = try wrap { try HostPath(utf8Value, what: name) }
            case "DOCKSTORE_MOUNT_OPTIONS":
                settings.mountOptions = try wrap { try MountOptions.parse(value, what: name) }
            case "DOCKSTORE_BACKEND": settings.backend = try wrap { try StorageDriver(parsing: value) }
            case "DOCKSTORE_BACKEND_OPTIONS":
                settings.backendOptions = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            case "DOCKSTORE_WAIT":
                guard let seconds = Double(value), seconds >= 0, seconds <= 3600 else {
                    throw DockStoreError.usage("\(at): DOCKSTORE_WAIT '\(value)' is not a number of seconds from 0 to 3600")
                }
                settings.wait = seconds
            default: break
            }
        }
        // Placed where provision would refuse them, named as the file gives them (attack 29 F).
        if let mountpoint = settings.mountpoint,
           let refusal = StorePlacement.mountpointRefusal(mountpoint, name: "DOCKSTORE_MOUNTPOINT \(mountpoint)") {
            throw DockStoreError.usage("\(path) line \(file.assignment("DOCKSTORE_MOUNTPOINT")?.line ?? 0): \(refusal)")
        }
        if let image = settings.image, settings.device == nil,
           let refusal = StorePlacement.imageRefusal(image, name: "DOCKSTORE_IMAGE \(image)") {
            throw DockStoreError.usage("\(path) line \(file.assignment("DOCKSTORE_IMAGE")?.line ?? 0): \(refusal)")
        }
        if let backend = settings.backend {
            for option in settings.backendOptions {
                _ = try wrapLine(path, file, "DOCKSTORE_BACKEND_OPTIONS") { try StorageOption(parsing: option, for: backend) }
            }
        } else if !settings.backendOptions.isEmpty {
            let line = file.assignment("DOCKSTORE_BACKEND_OPTIONS")?.line ?? 0
            throw DockStoreError.usage("\(path) line \(line): DOCKSTORE_BACKEND_OPTIONS needs DOCKSTORE_BACKEND")
        }
        return settings
    }

    private static func wrapLine<T>(_ path: String, _ file: SysconfigFile, _ name: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DockStoreError {
            throw DockStoreError.usage("\(path) line \(file.assignment(name)?.line ?? 0): \(error.message)")
        }
    }

    /// The commented file scripts/install puts in place (never over an existing one).
    public static let template = """

        ## Path           : System/Management
        ## Description    : Docker storage that dockstore provision sets up at boot
        ## Type           : string
        ## Default        : "/var/lib/docker-storage.btrfs"
        ## ServiceRestart : dockstore-provision
        #
        # The loopback image (ignored when DOCKSTORE_DEVICE is set).
        DOCKSTORE_IMAGE=""

        ## Type           : string
        ## Default        : "100G"
        # Apparent size of a new image: 100G, 512M, 1TB or bytes.
        DOCKSTORE_SIZE=""

        ## Type           : yesno
        ## Default        : "no"
        # yes: preallocate the image so the host can never run out under it.
        DOCKSTORE_THICK=""

        ## Type           : string
        ## Default        : ""
        # An EBS volume for the store instead of the image: /dev/xvdf, /dev/nvme1n1 or vol-0abc...
        # A device that holds any data is never formatted (there is no --force here).
        DOCKSTORE_DEVICE=""
        DOCKSTORE_VOLUME_ID=""

        ## Type           : list(btrfs,xfs,ext4)
        ## Default        : "btrfs"
        # Filesystem for a new device store; xfs and ext4 use the overlay2 driver.
        DOCKSTORE_FS=""

        ## Type           : string
        ## Default        : "/var/lib/docker"
        DOCKSTORE_MOUNTPOINT=""

        ## Type           : string
        ## Default        : ""
        # Extra mount options for the fstab line, comma separated (e.g. compress=zstd:1,noatime).
        DOCKSTORE_MOUNT_OPTIONS=""

        ## Type           : list(btrfs,overlay2,devicemapper,vfs,zfs,fuse-overlayfs)
        ## Default        : ""
        # Storage driver and its options (KEY=VALUE, space separated); the default fits the store.
        DOCKSTORE_BACKEND=""
        DOCKSTORE_BACKEND_OPTIONS=""

        ## Type           : integer(0:3600)
        ## Default        : "60"
        # Seconds to wait for DOCKSTORE_DEVICE to appear.
        DOCKSTORE_WAIT=""

        """
}

/// Extra mount options for the store's fstab line, checked so fstab and systemd read them.
public enum MountOptions {
    /// Split at the commas outside double quotes, as libmount reads an option string: a value
    /// may be quoted whole (`context="system_u:object_r:container_file_t:s0:c1,c2"`, an SELinux
    /// context with a comma), and libmount and systemd's fstab generator pass it on as written
    /// (attack 26: the quoted form was refused as one fstab cannot carry).
    public static func parse(_ text: String, what: String) throws -> [String] {
        guard text.filter({ $0 == "\"" }).count % 2 == 0 else {
            throw DockStoreError.usage("\(what) '\(text)' has a double quote that is not closed; quote a whole value, as in context=\"…\"")
        }
        let options = KernelMountOptions.splitOutsideQuotes(text).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        for option in options {
            let (key, quoted) = quotedValue(option)
            // '@': a systemd template unit (x-systemd.requires=systemd-cryptsetup@vol.service), a
            // SUSE subvolume (subvol=/@/docker); libmount and systemd's fstab generator read it
            // as written (attack 47 Q 12).
            let carried: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || "._=:/+-@".contains($0)) }
            if let bad = key.first(where: { !carried($0) }) ?? quoted?.first(where: { !(carried($0) || $0 == ",") }) {
                let hint = bad == "\"" ? " except around a whole value (key=\"value\")" : ""
                throw DockStoreError.usage("\(what) option '\(option)' contains '\(bad)'\(hint), which dockstore does not write into fstab (it takes letters, digits and ._=:/+-@): leave the option out, or put the line in fstab yourself")
            }
            if dockstoreOwn.contains(option) { continue }
            if let reason = unusable(option) {
                throw DockStoreError.usage("\(what) '\(option)' \(reason); leave it out")
            }
        }
        return options.filter { !dockstoreOwn.contains($0) }
    }

    /// An option's text before a quoted value, and the value between its quotes; the whole
    /// option and nil when it has no value quoted whole (`key="value"`).
    static func quotedValue(_ option: String) -> (key: String, value: String?) {
        guard let equals = option.firstIndex(of: "=") else { return (option, nil) }
        let value = option[option.index(after: equals)...]
        guard value.count >= 2, value.first == "\"", value.last == "\"" else { return (option, nil) }
        return (String(option[...equals]), String(value.dropFirst().dropLast()))
    }

    /// Options a store line carries anyway, or that older lines carried and an adopted line
    /// loses (a bare `loop`, see `FstabFile.merge`): dropped from the settings, never refused.
    static let dockstoreOwn: Set<String> = ["loop", "nofail", "defaults"]

    /// The first option of a store's fstab line that `unusable` refuses as a setting, with its
    /// reason, and every such option of the line; nil when the line has none. The same rule
    /// as the settings' (one table), so a line adopted from SUSE's older script, or edited by
    /// hand since, cannot bring in what DOCKSTORE_MOUNT_OPTIONS may not.
    public static func unusable(inLine options: [String]) -> (option: String, reason: String, all: [String])? {
        let bad = options.filter { !dockstoreOwn.contains($0) && unusable($0) != nil }
        guard let first = bad.first, let reason = unusable(first) else { return nil }
        return (first, reason, bad)
    }

    /// Why an option leaves a store Docker cannot use, or cannot be applied to it; nil for the
    /// others. dockerd's btrfs driver writes every layer and container as a subvolume of the
    /// store and runc starts containers from them, so the store must be writable and allow
    /// exec and the following of symbolic links (`nosymfollow` is inherited by the bind mount
    /// dockerd makes of its btrfs folder, so `/bin/sh -> busybox` in a container gives ELOOP);
    /// `nosuid` and `nodev` only limit what runs there and are kept, with a warning
    /// (`containerEffects`). The loop options make libmount set up a second loop device over
    /// the one dockstore attached; mount(8)'s operations (`bind`, `move`, `remount`, the
    /// propagation flags) are not filesystem options at all and only fail at the mount.
    public static func unusable(_ option: String) -> String? {
        let name = option.split(separator: "=", maxSplits: 1).first.map(String.init) ?? option
        switch name {
        case "ro": return "mounts the store read-only: dockerd could not write a layer or a container there"
        case "noexec": return "forbids running programs from the store: no container could start"
        case "user", "users", "owner", "group": return "implies noexec: no container could start"
        case "nosymfollow":
            return "keeps paths on the store from following symbolic links, and dockerd's btrfs driver bind-mounts its folder there, inheriting it: no container whose program path holds a link (/bin/sh almost everywhere) could start"
        case "offset", "sizelimit", "encryption", "loop":
            return "is a loop device option: libmount would set up a second loop device over the store's (dockstore attaches the image itself)"
        case "bind", "rbind", "move", "remount", "shared", "rshared", "private", "rprivate", "slave", "rslave",
             "unbindable", "runbindable":
            return "is a mount(8) operation, not a filesystem option: the store is mounted as a filesystem of its own"
        default:
            return name.hasPrefix("make-")
                ? "is a mount(8) operation, not a filesystem option: the store is mounted as a filesystem of its own" : nil
        }
    }

    /// What a kept option does to every container (dockerd's btrfs driver bind-mounts its
    /// folder on the store, and overlay2 mounts its layers from it: both inherit the store's
    /// nosuid and nodev), said as a warning at every provision and by status.
    public static func containerEffects(_ options: [String]) -> [String] {
        var effects: [String] = []
        if options.contains("nosuid") {
            effects.append("mount option nosuid reaches every container's files: setuid programs in containers (su, sudo, ping, passwd) run without their privileges; leave it out unless that is meant")
        }
        if options.contains("nodev") {
            effects.append("mount option nodev reaches every container's files: device nodes that images carry cannot be opened in containers; leave it out unless that is meant")
        }
        return effects
    }
}
