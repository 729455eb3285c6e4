/// docker.service as systemd builds it from a tree, for `status --json` (`dockerService`): its
/// unit file, its drop-ins in the order they apply, the environment files it reads (`-` before
/// an optional one; specifiers and file-name wildcards expanded), its ExecStart= lines, and why
/// it cannot be loaded. The boot tier's unit-oracle scenario compares it with the dump of
/// systemd 252's own loader (`systemd --test`) for a table of trees.
public struct DockerServiceSummary: Sendable, Equatable, Codable {
    public var unitFile: String?
    public var dropIns: [String]
    public var environmentFiles: [String]
    public var execStart: [String]
    public var masked: Bool
    public var unloadable: String?

    public static func read(on host: Host) throws -> DockerServiceSummary? {
        let reading = try DockerServiceReading.read(on: host)
        guard reading.found || reading.masked || reading.unloadable != nil else { return nil }
        return DockerServiceSummary(unitFile: reading.unitFile, dropIns: reading.dropInPaths,
                                    environmentFiles: reading.environmentFiles.map { ($0.optional ? "-" : "") + $0.path },
                                    execStart: reading.execStart, masked: reading.masked, unloadable: reading.unloadable)
    }
}
