import Foundation

/// bash as the oracle for what a sysconfig file means: sources it, then expands
/// `$DOCKER_OPTS` unquoted, as SUSE's docker.service does through its EnvironmentFile.
enum BashOracle {
    static func words(sourcing text: String) throws -> [String] {
        // Its own empty folder as the working directory: a generated file may hold a
        // redirection (`> name`), which must not create files in the repository.
        let folder = NSTemporaryDirectory() + "dockstore-oracle-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/sysconfig"
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        // No PATH: a line of the file that is a command (generated files have them) finds
        // nothing to run; the script itself needs only builtins.
        let (status, data) = try OracleProcess.run(
            "/bin/bash", ["--noprofile", "--norc", "-c", "set -e; . \"$1\" >/dev/null; for w in $DOCKER_OPTS; do printf '%s\\0' \"$w\"; done", "bash", file],
            environment: ["PATH": "/nonexistent"], in: folder)
        guard status == 0 else { throw OracleError(status: status) }
        return String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    /// The value bash gives `name` after sourcing `bytes`.
    static func value(of name: String, in bytes: [UInt8]) throws -> String {
        let folder = NSTemporaryDirectory() + "dockstore-oracle-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/sysconfig"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let (status, data) = try OracleProcess.run(
            "/bin/bash", ["--noprofile", "--norc", "-c", "set -e; . \"$1\" >/dev/null; printf '%s' \"${!2}\"", "bash", file, name],
            environment: ["PATH": "/nonexistent"], in: folder)
        guard status == 0 else { throw OracleError(status: status) }
        return String(decoding: data, as: UTF8.self)
    }

    struct OracleError: Error { var status: Int32 }
}
