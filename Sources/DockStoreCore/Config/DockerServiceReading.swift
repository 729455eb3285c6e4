/// How docker.service hands DOCKER_OPTS to dockerd, read from its unit file and drop-ins as
/// systemd merges them (`SystemdUnitFiles`): dockstore sets the storage flags in
/// /etc/sysconfig/docker, which reaches dockerd only when the unit reads that file as an
/// EnvironmentFile= and passes $DOCKER_OPTS on ExecStart=. An admin's drop-in (`systemctl edit
/// docker`) that resets either, Debian's unit (it reads /etc/default/docker), or a later
/// environment file that sets DOCKER_OPTS again each make every statement about DOCKER_OPTS one
/// about a file dockerd does not get (outside attack 14, Y-READ-1, Y-READ-2).
public struct DockerServiceReading: Sendable, Equatable {
    public struct EnvironmentFile: Sendable, Equatable {
        public var path: String
        /// `-` before the path: a missing file is no error.
        public var optional: Bool
        /// The unit file or drop-in that gave it.
        public var from: String
    }

    public var masked = false
    public var found = false
    public var environmentFiles: [EnvironmentFile] = []
    /// The command lines of ExecStart= in force, and the file that gave the last one.
    public var execStart: [String] = []
    public var execStartFrom: String?

    public static let unitName = "docker.service"

    public static func read(on host: Host) throws -> DockerServiceReading {
        let files = try SystemdUnitFiles.read(unitName, on: host)
        var reading = parse(files.files)
        reading.masked = files.masked
        reading.found = files.unit != nil
        return reading
    }

    /// The [Service] settings of `files` applied in order: an empty assignment resets a list.
    public static func parse(_ files: [SystemdUnitFiles.File]) -> DockerServiceReading {
        var reading = DockerServiceReading()
        for file in files {
            var section = ""
            for (key, value) in UnitFileLines.entries(file.bytes) {
                if key.hasPrefix("[") { section = key; continue }
                guard section == "[Service]" else { continue }
                switch key {
                case "EnvironmentFile":
                    if value.isEmpty { reading.environmentFiles = []; continue }
                    let optional = value.hasPrefix("-")
                    reading.environmentFiles.append(EnvironmentFile(path: optional ? String(value.dropFirst()) : value,
                                                                    optional: optional, from: file.path))
                case "ExecStart":
                    if value.isEmpty { reading.execStart = []; reading.execStartFrom = nil; continue }
                    reading.execStart.append(value)
                    reading.execStartFrom = file.path
                default: continue
                }
            }
        }
        return reading
    }

    /// Storage flags dockerd would take from ExecStart= itself, beside or instead of DOCKER_OPTS.
    static let storageFlags = ["-s", "--storage-driver", "--storage-opt", "-g", "--graph", "--data-root"]

    /// Why DOCKER_OPTS in `sysconfig` (a host path) does not decide how dockerd starts; nil when
    /// it does, or when the tree has no docker.service (nothing to judge). `setsDockerOpts` says
    /// whether an environment file (a host path) assigns DOCKER_OPTS, as systemd reads it.
    public func problems(sysconfig: String, shown: (String) -> String,
                         setsDockerOpts: (String) throws -> Bool) -> [String] {
        if masked { return ["\(Self.unitName) is masked (its unit file is a link to /dev/null): Docker does not start at all; systemctl unmask \(Self.unitName)"] }
        guard found else { return [] }
        var problems: [String] = []
        let fix = "(systemctl edit \(Self.unitName) shows where)"
        if let command = execStart.last {
            let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let from = execStartFrom.map(shown) ?? "?"
            if !words.contains(where: { $0 == "$DOCKER_OPTS" || $0 == "${DOCKER_OPTS}" }) {
                problems.append("\(Self.unitName) starts dockerd with ExecStart=\(command) (\(from)), which does not pass $DOCKER_OPTS: the storage driver and data root set in \(shown(sysconfig)) never reach dockerd; put $DOCKER_OPTS back on that line \(fix)")
            }
            if let flag = words.first(where: { word in Self.storageFlags.contains { word == $0 || word.hasPrefix($0 + "=") } }) {
                problems.append("\(Self.unitName) gives dockerd \(flag) on ExecStart= itself (\(from)), beside DOCKER_OPTS in \(shown(sysconfig)): dockerd takes the last of each flag, or refuses a directive given twice; remove it from that line \(fix)")
            }
        }
        guard let index = environmentFiles.lastIndex(where: { DockerdConfigPlace.cleaned($0.path) == DockerdConfigPlace.cleaned(sysconfig) }) else {
            let read = environmentFiles.map { "\($0.path) (\(shown($0.from)))" }
            problems.append("\(Self.unitName) does not read \(sysconfig) as an EnvironmentFile= (it reads \(read.isEmpty ? "none" : read.joined(separator: ", "))), so the DOCKER_OPTS dockstore sets there never reach dockerd; add EnvironmentFile=-\(sysconfig) to it \(fix)")
            return problems
        }
        for later in environmentFiles[(index + 1)...] where DockerdConfigPlace.cleaned(later.path) != DockerdConfigPlace.cleaned(sysconfig) {
            do {
                if try setsDockerOpts(later.path) {
                    problems.append("\(Self.unitName) reads \(later.path) (\(shown(later.from))) after \(sysconfig), and it sets DOCKER_OPTS again: that value is the one dockerd gets; remove DOCKER_OPTS there, or that EnvironmentFile= line \(fix)")
                }
            } catch {
                problems.append("cannot tell whether \(later.path), which \(Self.unitName) reads after \(sysconfig), sets DOCKER_OPTS again: \((error as? DockStoreError)?.message ?? "\(error)")")
            }
        }
        return problems
    }
}

extension DockerServiceReading {
    /// The problems of docker.service on `host`: its files read, environment files read under
    /// the root as systemd reads them (`SystemdEnvironmentReader`, both before and from 254:
    /// a file that sets DOCKER_OPTS in either reading is named).
    public static func problems(on host: Host) -> [String] {
        do {
            let reading = try read(on: host)
            return reading.problems(sysconfig: HostPaths.sysconfigDocker.string, shown: { path in
                (try? HostPath(path, what: "unit file")).map { host.real($0) } ?? path
            }, setsDockerOpts: { path in
                let place = try HostPath(path, what: "EnvironmentFile")
                guard let bytes = try FileContents.readFollowing(place, on: host) else { return false }
                let name = Array(SysconfigFile.dockerOptsName.utf8)
                return [true, false].contains { before254 in
                    SystemdEnvironmentReader.assignments(in: bytes, commentBackslashContinues: before254).contains { $0.name == name }
                }
            })
        } catch {
            return ["cannot tell how \(unitName) passes DOCKER_OPTS to dockerd: \((error as? DockStoreError)?.message ?? "\(error)")"]
        }
    }
}
