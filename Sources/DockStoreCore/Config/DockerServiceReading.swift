/// How docker.service hands DOCKER_OPTS to dockerd, read from its unit file and drop-ins as
/// systemd merges them (`SystemdUnitFiles`): dockstore sets the storage flags in
/// /etc/sysconfig/docker, which reaches dockerd only when the unit reads that file as an
/// EnvironmentFile= and passes $DOCKER_OPTS on ExecStart=. An admin's drop-in (`systemctl edit
/// docker`) that resets either, Debian's unit (it reads /etc/default/docker), or a later
/// environment file that sets DOCKER_OPTS again each make every statement about DOCKER_OPTS one
/// about a file dockerd does not get (outside attack 14, Y-READ-1, Y-READ-2; the eighteenth
/// attack checked the reading against a booted systemd 252).
public struct DockerServiceReading: Sendable, Equatable {
    public struct EnvironmentFile: Sendable, Equatable {
        public var path: String
        /// `-` before the path: a missing file is no error.
        public var optional: Bool
        /// The unit file or drop-in that gave it.
        public var from: String
        /// It holds a specifier whose value depends on the running host (kept as written).
        public var unresolved = false
    }

    public var masked = false
    /// Why the unit file cannot be loaded at all (a link to nothing); nil otherwise.
    public var unloadable: String?
    /// Drop-ins systemd reads only up to a line it cannot take (`SystemdUnitFiles.ignored`).
    public var ignoredDropIns: [String] = []
    /// The unit file and the drop-ins `read` found, in the order they apply.
    public var unitFile: String?
    public var dropInPaths: [String] = []
    public var found = false
    public var environmentFiles: [EnvironmentFile] = []
    /// The command lines of ExecStart= in force, and the file that gave the last one.
    public var execStart: [String] = []
    public var execStartFrom: String?
    /// `UnsetEnvironment=` words in force (`NAME`, or `NAME=VALUE` unsetting only that value).
    public var unsetEnvironment: [String] = []
    public var serviceType: String?

    public static let unitName = "docker.service"
    static let variable = "DOCKER_OPTS"

    public static func read(on host: Host) throws -> DockerServiceReading {
        let files = try SystemdUnitFiles.read(unitName, on: host)
        var reading = parse(files.files, unit: files.id ?? unitName, specifiers: try specifierContext(files, on: host))
        reading.environmentFiles = try reading.environmentFiles.flatMap { try $0.globbed(on: host) }
        reading.masked = files.masked
        reading.unloadable = files.unloadable
        reading.ignoredDropIns = files.ignored
        reading.found = files.unit != nil
        reading.unitFile = files.unit?.path
        reading.dropInPaths = files.dropIns.map(\.path)
        return reading
    }

    /// The [Service] settings of `files` applied in order: an empty assignment resets a list.
    /// An EnvironmentFile= path with a `.` or `..` component is one systemd refuses (not
    /// normalized) and reads nothing from.
    public static func parse(_ files: [SystemdUnitFiles.File], unit: String = unitName,
                             specifiers: SystemdSpecifiers.Context = .none) -> DockerServiceReading {
        var reading = DockerServiceReading()
        for file in files {
            var section = ""
            for (key, value) in UnitFileLines.entries(file.bytes) {
                if key.hasPrefix("[") { section = key; continue }
                guard section == "[Service]" else { continue }
                switch key {
                case "EnvironmentFile":
                    if value.isEmpty { reading.environmentFiles = []; continue }
                    // Specifiers are expanded at load: a host-dependent one stays as written (cannot
                    // tell), one systemd does not know makes it ignore the line.
                    let expanded = SystemdSpecifiers.expand(value, unit: unit, context: specifiers)
                    if expanded == .invalid { continue }
                    let text: String
                    if case .text(let done) = expanded { text = done } else { text = value }
                    let optional = text.hasPrefix("-")
                    let path = SystemdSpecifiers.simplified(optional ? String(text.dropFirst()) : text)
                    guard path.hasPrefix("/"), !path.split(separator: "/").contains(where: { $0 == ".." }) else { continue }
                    reading.environmentFiles.append(EnvironmentFile(path: path, optional: optional, from: file.path,
                                                                    unresolved: expanded == .unknowable))
                case "ExecStart":
                    if value.isEmpty { reading.execStart = []; reading.execStartFrom = nil; continue }
                    reading.execStart.append(value)
                    reading.execStartFrom = file.path
                case "UnsetEnvironment":
                    if value.isEmpty { reading.unsetEnvironment = []; continue }
                    reading.unsetEnvironment += SystemdExecLine.split(Substring(value))
                case "Type":
                    reading.serviceType = value
                default: continue
                }
            }
        }
        return reading
    }

    /// A path with a wildcard that matched nothing in the tree (or sits in a folder's name).
    static func isPattern(_ path: String) -> Bool {
        path.contains { "*?[".contains($0) }
    }

    /// The tree's answers to the specifiers that come from it: the unit file, os-release
    /// (/etc first, then /usr/lib), the machine id when the image holds one, the system manager's shell.
    static func specifierContext(_ files: SystemdUnitFiles, on host: Host) throws -> SystemdSpecifiers.Context {
        var context = SystemdSpecifiers.Context(unitFile: files.unit?.path)
        for place in ["/etc/os-release", "/usr/lib/os-release"] {
            guard let bytes = try FileContents.readFollowing(HostPath.known(place), on: host) else { continue }
            context.osRelease = Dictionary(SystemdEnvironmentReader.assignments(in: bytes, commentBackslashContinues: false)
                .map { (String(decoding: $0.name, as: UTF8.self), String(decoding: $0.value, as: UTF8.self)) }) { $1 }
            break
        }
        if let id = try FileContents.readFollowing(HostPath.known("/etc/machine-id"), on: host).map({ String(decoding: $0, as: UTF8.self).trimmingWhitespace() }),
           id.utf8.count == 32, id.allSatisfy(\.isHexDigit) {
            context.machineID = id
        }
        context.rootShell = defaultRootShell(on: host)
        return context
    }

    /// `%s` in the system manager, which runs as root: systemd 252's `get_shell` takes
    /// `default_root_shell`, the build's default user shell (/bin/bash on Debian and SUSE) when
    /// that path resolves in the tree, and /bin/sh when it does not or cannot be looked up.
    /// root's line in /etc/passwd plays no part.
    static func defaultRootShell(on host: Host) -> String {
        host.resolvesInRoot(HostPath.known("/bin/bash")) ? "/bin/bash" : "/bin/sh"
    }

    /// How an environment file named in the unit relates to /etc/sysconfig/docker, as the
    /// caller can tell from the tree.
    public enum FileMatch: Sendable, Equatable {
        case sysconfig
        case other
        /// A specifier or wildcard: which file it names is not worked out here.
        case cannotTell
    }

    /// Why DOCKER_OPTS in `sysconfig` (a host path) does not decide how dockerd starts; empty
    /// when it does, or when the tree has no docker.service (nothing to judge).
    /// `matches` says whether an EnvironmentFile= path names the sysconfig file (the same file
    /// by identity, through links); `setsDockerOpts` whether an environment file assigns
    /// DOCKER_OPTS, as systemd reads it.
    public func problems(sysconfig: String, shown: (String) -> String, matches: (String) throws -> FileMatch,
                         setsDockerOpts: (String) throws -> Bool) -> [String] {
        let name = Self.unitName, variable = Self.variable
        if masked { return ["\(name) is masked (its unit file is empty or a link to /dev/null): Docker does not start at all; systemctl unmask \(name)"] }
        if let unloadable { return ["\(name) cannot be loaded: \(unloadable); Docker does not start at all"] }
        guard found else { return [] }
        var problems = ignoredDropIns.map { "\(name): \($0)" }
        let fix = "(systemctl edit \(name) shows where)"
        let oneshot = serviceType == "oneshot"
        if execStart.isEmpty {
            problems.append("\(name) has no ExecStart= (a drop-in reset it and gave none): systemd refuses to load it and Docker does not start; give the command again after the reset \(fix)")
        } else if execStart.count > 1 && !oneshot {
            problems.append("\(name) has \(execStart.count) ExecStart= lines (the last from \(execStartFrom.map(shown) ?? "?")), which systemd refuses for Type=\(serviceType ?? "simple"): Docker does not start; put an empty ExecStart= before the one you mean \(fix)")
        }
        if let command = execStart.last {
            let line = SystemdExecLine(command)
            let from = execStartFrom.map(shown) ?? "?"
            if line.prefixes.contains(":") {
                problems.append("\(name) starts dockerd with ExecStart=\(command) (\(from)), whose ':' prefix turns off variable substitution: dockerd gets the text $\(variable), not the storage driver and data root set in \(shown(sysconfig)); remove the ':' \(fix)")
            } else if line.passesWhole(variable) && !line.passesSplit(variable) {
                problems.append("\(name) starts dockerd with ExecStart=\(command) (\(from)), where ${\(variable)} is given to dockerd as one argument, so dockerd cannot read the options set in \(shown(sysconfig)); write $\(variable) instead \(fix)")
            } else if !line.passesSplit(variable) {
                problems.append("\(name) starts dockerd with ExecStart=\(command) (\(from)), which does not pass $\(variable): the storage driver and data root set in \(shown(sysconfig)) never reach dockerd; put $\(variable) back on that line \(fix)")
            }
            if let flag = line.storageFlag() {
                problems.append("\(name) gives dockerd \(flag) on ExecStart= itself (\(from)), beside \(variable) in \(shown(sysconfig)): dockerd takes the last of each flag, or refuses a directive given twice; remove it from that line \(fix)")
            }
        }
        if unsetEnvironment.contains(where: { $0 == variable || $0.hasPrefix(variable + "=") }) {
            problems.append("\(name) has UnsetEnvironment=\(variable): the \(variable) set in \(shown(sysconfig)) never reaches dockerd; remove it \(fix)")
        }
        var index: Int? = nil
        for (i, file) in environmentFiles.enumerated() {
            do {
                switch file.unresolved ? .cannotTell : try matches(file.path) {
                case .sysconfig: index = i
                case .other: continue
                case .cannotTell:
                    problems.append("cannot tell which file \(name)'s EnvironmentFile=\(file.path) (\(shown(file.from))) names (a specifier or wildcard): write the path \(sysconfig) itself")
                }
            } catch {
                problems.append("cannot tell whether \(file.path), which \(name) reads, is \(sysconfig): \((error as? DockStoreError)?.message ?? "\(error)")")
            }
        }
        guard let index else {
            let read = environmentFiles.map { "\($0.path) (\(shown($0.from)))" }
            problems.append("\(name) does not read \(sysconfig) as an EnvironmentFile= (it reads \(read.isEmpty ? "none" : read.joined(separator: ", "))), so the \(variable) dockstore sets there never reach dockerd; add EnvironmentFile=-\(sysconfig) to it \(fix)")
            return problems
        }
        for later in environmentFiles[(index + 1)...] where !later.unresolved && (try? matches(later.path)) == .other {
            do {
                if try setsDockerOpts(later.path) {
                    problems.append("\(name) reads \(later.path) (\(shown(later.from))) after \(sysconfig), and it sets \(variable) again: that value is the one dockerd gets; remove \(variable) there, or that EnvironmentFile= line \(fix)")
                }
            } catch {
                problems.append("cannot tell whether \(later.path), which \(name) reads after \(sysconfig), sets \(variable) again: \((error as? DockStoreError)?.message ?? "\(error)")")
            }
        }
        return problems
    }
}

extension DockerServiceReading {
    /// The problems of docker.service on `host`: environment files compared with the sysconfig
    /// file by identity in the tree (a link to it is it), read as systemd reads them
    /// (`SystemdEnvironmentReader`, both before and from 254: a file that sets DOCKER_OPTS in
    /// either reading is named). A required one that does not exist fails Docker's start.
    public static func problems(on host: Host) -> [String] {
        do {
            let reading = try read(on: host)
            let sysconfig = HostPaths.sysconfigDocker
            let sysconfigIdentity = try FileStatus.following(host.realFollowing(sysconfig))
            var problems = reading.problems(sysconfig: sysconfig.string, shown: { path in
                ShownBytes.text(host.real(HostPath.found(path)))
            }, matches: { path in
                if isPattern(path) { return .cannotTell }
                if DockerdConfigPlace.cleaned(path) == DockerdConfigPlace.cleaned(sysconfig.string) { return .sysconfig }
                guard let identity = sysconfigIdentity,
                      let other = try FileStatus.following(host.realFollowing(try HostPath(path, what: "EnvironmentFile"))) else { return .other }
                return other.device == identity.device && other.inode == identity.inode ? .sysconfig : .other
            }, setsDockerOpts: { path in
                let place = try HostPath(path, what: "EnvironmentFile")
                guard let bytes = try FileContents.readFollowing(place, on: host) else { return false }
                let name = Array(SysconfigFile.dockerOptsName.utf8)
                return [true, false].contains { before254 in
                    SystemdEnvironmentReader.assignments(in: bytes, commentBackslashContinues: before254).contains { $0.name == name }
                }
            })
            if reading.found && !reading.masked && reading.unloadable == nil {
                for file in reading.environmentFiles where !file.optional && !file.unresolved && !isPattern(file.path)
                    && DockerdConfigPlace.cleaned(file.path) != DockerdConfigPlace.cleaned(sysconfig.string) {
                    let place = try HostPath(file.path, what: "EnvironmentFile")
                    if try FileStatus.following(host.realFollowing(place)) == nil {
                        problems.append("\(unitName) requires EnvironmentFile=\(ShownBytes.text(file.path)) (\(ShownBytes.text(host.real(HostPath.found(file.from))))), which does not exist: Docker fails to start; create it, or write -\(file.path) to make it optional")
                    } else if let bytes = try FileContents.readFollowing(place, on: host),
                              let bad = [false, true].lazy.compactMap({ SystemdEnvironmentReader.reading(of: bytes, commentBackslashContinues: $0).notUTF8 }).first {
                        problems.append("\(unitName) requires EnvironmentFile=\(ShownBytes.text(file.path)) (\(ShownBytes.text(host.real(HostPath.found(file.from))))), whose line \(bad.line) is not UTF-8: systemd refuses the whole file and Docker fails to start; write it in UTF-8 or remove it")
                    }
                }
            }
            return problems
        } catch {
            return ["cannot tell how \(unitName) passes DOCKER_OPTS to dockerd: \((error as? DockStoreError)?.message ?? "\(error)")"]
        }
    }
}
