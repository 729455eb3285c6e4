/// The rule that keeps dockstore's edits of /etc/sysconfig/docker safe: bash (which sources
/// the file) and systemd (docker.service's `EnvironmentFile=`) must read every line alike.
/// The first line they read differently is refused with what each reader makes of it.
enum SysconfigReaders {
    /// The refusal for `line`, one line: what differs and what to do.
    static func differ(_ path: String, _ line: Int, _ detail: String) -> DockStoreError {
        DockStoreError.refused("\(path) line \(line) reads differently to bash and to systemd's EnvironmentFile= (\(detail)); write it as NAME=\"value\" alone on its line, or remove it, and re-run")
    }

    /// Throws `differ` for the first line whose assignments bash (`bash`, from `SysconfigParser`)
    /// and systemd (as it reads it before 254 and from 254 on) do not read alike. A value bash
    /// would expand never reads alike: systemd takes `$` and backticks literally.
    static func checkAgreement(bytes: [UInt8], bash: [SysconfigFile.Assignment], path: String) throws {
        if let expanding = bash.first(where: \.expands) {
            throw differ(path, expanding.line, "bash expands the $ or ` in \(expanding.name), systemd takes it literally")
        }
        for continues in [false, true] {
            if let bad = SystemdEnvironmentReader.reading(of: bytes, commentBackslashContinues: continues).notUTF8 {
                throw notUTF8(path, bad)
            }
        }
        let bashReading = bash.map { SystemdEnvironmentReader.Assignment(name: Array($0.name.utf8), value: $0.valueBytes, line: $0.line) }
        for continues in [true, false] {
            let systemd = SystemdEnvironmentReader.assignments(in: bytes, commentBackslashContinues: continues)
            let lines = Set(bashReading.map(\.line)).union(systemd.map(\.line)).sorted()
            for line in lines {
                let byBash = bashReading.filter { $0.line == line }
                let bySystemd = systemd.filter { $0.line == line }
                guard byBash != bySystemd else { continue }
                let version = continues ? " before 254" : ""
                throw differ(path, line, "bash reads \(shown(byBash)), systemd\(version) \(shown(bySystemd))")
            }
        }
    }

    /// The refusal for a file systemd's EnvironmentFile= refuses whole (a name or value not UTF-8).
    static func notUTF8(_ path: String, _ bad: SystemdEnvironmentReader.Assignment) -> DockStoreError {
        DockStoreError.refused("\(path) line \(bad.line): \(ShownBytes.text(bad.name))=\"\(ShownBytes.text(bad.value))\" is not UTF-8: systemd's EnvironmentFile= refuses the whole file, so docker.service fails to start (or, reading it as optional, starts without any of its settings); write it in UTF-8 or remove it, and re-run")
    }

    static func shown(_ reading: [SystemdEnvironmentReader.Assignment]) -> String {
        guard !reading.isEmpty else { return "no assignment" }
        return reading.map { "\(ShownBytes.text($0.name))=\"\(ShownBytes.text($0.value))\"" }.joined(separator: " and ")
    }
}
