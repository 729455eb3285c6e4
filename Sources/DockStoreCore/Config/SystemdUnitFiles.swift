/// The files systemd builds a system unit from, under a host's root, in the order it applies
/// them: the unit file found first along the search path, then every drop-in (`NAME.d/*.conf`
/// for every name of the unit — its own, its file's when it is a link, its aliases' — and the
/// type-wide `service.d/*.conf`), one per file name (the first in `dropInFolders`' order masks
/// the rest), sorted by file name. As systemd 252's unit-file lookup does
/// (`systemd-analyze unit-paths`), for the directories an image carries; the generator and
/// attached directories are left out (nothing there configures docker.service on a SUSE image).
public struct SystemdUnitFiles: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        /// The host path, as `systemctl cat` heads it.
        public var path: String
        public var bytes: [UInt8]
    }

    public static let searchPath = ["/etc/systemd/system.control", "/run/systemd/system.control", "/run/systemd/transient",
                                    "/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
                                    "/usr/lib/systemd/system", "/lib/systemd/system"]

    /// nil when no directory of the search path has the unit.
    public var unit: File?
    /// A unit file that is a link to /dev/null (or empty): `systemctl mask`.
    public var masked = false
    /// Why the unit cannot be loaded (its file is a link to nothing); nil otherwise.
    public var unloadable: String?
    public var dropIns: [File] = []
    /// The unit's id: the name of the file it is loaded from (other.service when docker.service
    /// is a link to it); nil when no unit file was found.
    public var id: String?
    /// Drop-ins systemd stops reading at a line it cannot take (`UnitFileLines.Failure`), with why.
    public var ignored: [String] = []

    /// The files in the order systemd applies them.
    public var files: [File] { (unit.map { [$0] } ?? []) + dropIns }

    public static func read(_ name: String, on host: Host) throws -> SystemdUnitFiles {
        var result = SystemdUnitFiles()
        for folder in searchPath {
            let path = try HostPath(folder + "/" + name, what: "unit file")
            guard try FileStatus.of(host.real(path)) != nil else { continue }
            if try isMask(path, on: host) {
                result.masked = true
                break
            }
            guard let bytes = try FileContents.readFollowing(path, on: host) else {
                // A link to nothing: systemd stops here too and finds the unit not-found.
                result.unloadable = "its unit file \(host.real(path)) is a link to nothing"
                break
            }
            if bytes.isEmpty { result.masked = true }
            result.unit = File(path: path.string, bytes: bytes)
            break
        }
        guard !result.masked, result.unloadable == nil, let unit = result.unit else { return result }
        let type = name.split(separator: ".").last.map { "\($0).d" } ?? "service.d"
        let (names, id) = try Self.names(of: name, file: HostPath.found(unit.path), on: host)
        result.id = id
        var chosen: [String: HostPath] = [:]  // drop-in file name -> host path of the one that counts
        for dir in dropInFolders(names: names, type: type) {
            let dirPath = try HostPath(dir, what: "drop-in folder")
            guard let files = FolderEntries.names(host.realFollowing(dirPath)) else { continue }
            for file in files where file.hasSuffix(".conf") && !file.hasPrefix(".") && chosen[file] == nil {
                chosen[file] = HostPath.entry(file, in: dirPath)
            }
        }
        for file in chosen.keys.sorted() {
            guard let path = chosen[file] else { continue }
            if try isMask(path, on: host) { continue }
            // systemd skips what is not a regular file (a folder, a link to nothing).
            guard try FileStatus.following(host.realFollowing(path))?.kind == .regular,
                  let bytes = try FileContents.readFollowing(path, on: host) else { continue }
            result.dropIns.append(File(path: path.string, bytes: bytes))
        }
        if let unit = result.unit, let failure = UnitFileLines.read(unit.bytes).failure {
            result.unloadable = "\(ShownBytes.text(host.real(HostPath.found(unit.path)))) line \(failure.line) \(failure.reason), and systemd fails the whole unit on it (LoadState=error); correct or remove that line"
        }
        for dropIn in result.dropIns {
            guard let failure = UnitFileLines.read(dropIn.bytes).failure else { continue }
            result.ignored.append("\(ShownBytes.text(host.real(HostPath.found(dropIn.path)))) line \(failure.line) \(failure.reason): systemd stops reading that drop-in there and ignores the rest of it; correct or remove that line")
        }
        return result
    }

    /// The drop-in folders in the order systemd 252 lists them (`unit_file_find_dropin_paths`):
    /// for each name of the unit, along the search path, its own folder and those of its dash
    /// prefixes (`a-b-.service.d`, `a-.service.d`); then, along the search path, the type-wide
    /// one (`service.d`), "the most generic". Of two drop-ins of one file name, the one in the
    /// earlier folder counts, so a unit's own drop-in in /usr/lib masks a type-wide one of the
    /// same name in /etc (attack 18, A-F8).
    static func dropInFolders(names: [String], type: String) -> [String] {
        var folders: [String] = []
        for name in names {
            let dot = name.lastIndex(of: ".") ?? name.endIndex
            let stem = name[..<dot], suffix = name[dot...]
            var prefixes: [String] = []
            var rest = stem
            while let dash = rest.dropLast().lastIndex(of: "-") {
                rest = rest[...dash]
                prefixes.append(String(rest) + suffix)
                rest = rest.dropLast()
            }
            for folder in searchPath {
                folders += ([name] + prefixes).map { folder + "/" + $0 + ".d" }
            }
        }
        return folders + searchPath.map { $0 + "/" + type }
    }

    /// Every name of the unit, whose `.d` folders systemd reads (attack 18, A-F1): `name`, the
    /// name of the file a link at `file` leads to (docker.service a link to other.service loads
    /// other.service, with other.service.d), and every link in the search path's folders that
    /// leads to the same file (an alias such as dockerd.service).
    /// The second value is the unit's id, the name of the file it is loaded from (its specifiers' %n).
    static func names(of name: String, file: HostPath, on host: Host) throws -> (names: [String], id: String) {
        var names = [name]
        let suffix = "." + (name.split(separator: ".").last.map(String.init) ?? "service")
        guard let fragment = try FileStatus.following(host.realFollowing(file)), fragment.kind == .regular else { return (names, name) }
        // realFollowing leaves a path on / as it is: the link's end is asked of the kernel there.
        var resolved = host.realFollowing(file)
        if host.root == "/" {
            switch PathCalls.realPath(file.string) {
            case .success(let path): resolved = path
            case .failure(let code): throw DockStoreError.system("cannot resolve", file.string, errno: code)
            }
        }
        var fragmentName = name
        // A link to a file in a folder of the search path makes that file's name the unit's id; a
        // link to a file elsewhere (/opt/u/dockerx.service) is a linked unit file whose id stays
        // the link's name (attack 19, D-F6: systemd did not read dockerx.service.d).
        if let slash = resolved.lastIndex(of: "/") {
            let folder = String(resolved[..<slash])
            let inSearchPath = try searchPath.contains { path in
                let real = host.realFollowing(try HostPath(path, what: "unit folder"))
                if host.root == "/", case .success(let resolvedPath) = PathCalls.realPath(real) { return resolvedPath.sameBytes(folder) }
                return real.sameBytes(folder)
            }
            if inSearchPath { fragmentName = String(resolved[resolved.index(after: slash)...]) }
        }
        // The unit's id (the file's name) first, then its aliases, as systemd lists the folders:
        // of two same-named drop-ins in other.service.d and docker.service.d, other.service's counts.
        if fragmentName.hasSuffix(suffix), !names.contains(fragmentName) { names.insert(fragmentName, at: 0) }
        for folder in searchPath {
            let dir = try HostPath(folder, what: "unit folder")
            guard let entries = FolderEntries.names(host.realFollowing(dir)) else { continue }
            for entry in entries.sorted() where entry.hasSuffix(suffix) && !names.contains(entry) {
                let path = HostPath.entry(entry, in: dir)
                guard try FileStatus.of(host.real(path))?.kind == .symlink,
                      let target = try FileStatus.following(host.realFollowing(path)),
                      target.device == fragment.device, target.inode == fragment.inode else { continue }
                names.append(entry)
            }
        }
        return (names, fragmentName.hasSuffix(suffix) ? fragmentName : name)
    }

    /// A link to /dev/null: `systemctl mask` (a unit) or a masked drop-in.
    /// A link that leads to /dev/null inside the root, written as `/dev/null` or as a relative
    /// path such as `../../../dev/null` (attack 19, D-F9: systemd took that as masked).
    static func isMask(_ path: HostPath, on host: Host) throws -> Bool {
        let real = host.real(path)
        guard try FileStatus.of(real)?.kind == .symlink else { return false }
        if try FileStatus.linkTarget(real) == "/dev/null" { return true }
        if host.root == "/" {
            if case .success(let resolved) = PathCalls.realPath(real) { return resolved == "/dev/null" }
            return false
        }
        return host.realFollowing(path).sameBytes(host.real(HostPath.known("/dev/null")))
    }
}
