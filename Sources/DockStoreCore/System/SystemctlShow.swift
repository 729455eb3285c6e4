/// `systemctl show -p …` of one unit, read as KEY=VALUE lines: what `SystemdMountUnit` and
/// `SystemdService` know of their units.
enum SystemctlShow {
    static func values(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }

    static func read(_ name: String, properties: [String]) throws -> String {
        let result = try Subprocess.run("systemctl", ["show", "--no-pager"] + properties.flatMap { ["-p", $0] } + ["--", name],
                                        package: "systemd")
        guard result.status == 0 else {
            throw DockStoreError.failed("cannot ask systemd about \(name): systemctl show: \(result.reason)")
        }
        return result.standardOutput
    }
}
