/// `DOCKER_DRIVER` in /etc/sysconfig/docker (attack 12, B01). docker.service reads that file as
/// its `EnvironmentFile=`, so every assignment in it is in dockerd's environment, and dockerd
/// 20.10 takes a non-empty `$DOCKER_DRIVER` over `--storage-driver` and daemon.json's
/// `"storage-driver"` (moby daemon/daemon.go, NewDaemon: "Setting the storage driver from the
/// $DOCKER_DRIVER environment variable"). An empty one it ignores. The value is read as both
/// bash and systemd read it (`SysconfigFile` refuses a line the two read differently).
extension SysconfigFile {
    public static let driverVariableName = "DOCKER_DRIVER"

    /// The driver `$DOCKER_DRIVER` makes dockerd take; nil when it is unset or empty.
    public var driverVariable: String? {
        guard let value = assignment(Self.driverVariableName)?.value, !value.isEmpty else { return nil }
        return value
    }

    /// "DOCKER_DRIVER="X" in PATH line N", for messages.
    var driverVariableShown: String {
        let found = assignment(Self.driverVariableName)
        return "\(Self.driverVariableName)=\"\(ShownBytes.text(found?.valueBytes ?? []))\" in \(path)\(found.map { " line \($0.line)" } ?? "")"
    }

    /// Removes every `DOCKER_DRIVER` statement, each whole line with its newline; every other
    /// byte stays. Returns what changed, or nil when there was none.
    mutating func removeDriverVariable() throws -> String? {
        guard driverVariable != nil else { return nil }
        let shown = driverVariableShown
        while let last = assignments.last(where: { $0.name == Self.driverVariableName }), let range = statementLines(last) {
            let end = range.upperBound < bytes.count ? range.upperBound + 1 : range.upperBound
            try replace(range.lowerBound..<end, with: [], keepingOthersThan: Self.driverVariableName)
        }
        return "remove \(shown) (dockerd takes $DOCKER_DRIVER over --storage-driver)"
    }
}
