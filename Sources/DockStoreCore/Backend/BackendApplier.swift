/// Runs a backend plan: atomic writes with a `.dockstore.bak` of each file, then the
/// restart when asked and possible.
public struct BackendApplier: Sendable {
    public let host: Host

    public init(host: Host) { self.host = host }

    /// The plan's own precondition: the sysconfig folder exists where it writes the file.
    /// `backend --dry-run` checks it too, so that a dry run refuses what the run would.
    public func checkPreconditions(_ plan: BackendPlan) throws {
        if plan.steps.contains(where: {
            switch $0 { case .writeSysconfig, .writeBootSettings: true; default: false }
        }) {
            let folder = HostPaths.sysconfigDocker.parent
            guard try FileStatus.following(host.realFollowing(folder))?.kind == .directory else {
                throw DockStoreError.refused("the folder \(host.real(folder)) does not exist; is this a SUSE system (or the right --root)? Nothing was changed")
            }
        }
    }

    /// Every precondition (the sysconfig folder exists, room on writable filesystems) is
    /// checked before the first file changes: a refusal leaves every file as it was.
    public func apply(_ plan: BackendPlan, sweeping sweep: DebrisSweep?, progress: (BackendStep) -> Void) throws {
        try checkPreconditions(plan)
        try StepEngine.apply(plan.steps, in: host, sweeping: sweep, progress: progress) { step in
            switch step {
            // `old` is the file as the plan read it: the write refuses one changed since (`FileBasis`).
            case .writeDaemonJSON(let path, let old, let bytes, _):
                try AtomicFile.write(path, on: host, bytes, mode: 0o644, backupSuffix: ".dockstore.bak",
                                     basis: FileBasis(old))
            case .writeSysconfig(let old, let bytes, _):
                try AtomicFile.write(HostPaths.sysconfigDocker, on: host, bytes, mode: 0o644, backupSuffix: ".dockstore.bak",
                                     basis: FileBasis(old))
            case .writeBootSettings(let old, let bytes, _):
                try AtomicFile.write(ProvisionSettings.path, on: host, bytes, mode: 0o644, backupSuffix: ".dockstore.bak",
                                     basis: FileBasis(old))
            case .restartDocker:
                let result = try Subprocess.run("systemctl", ["restart", "docker.service"], package: "systemd")
                guard result.status == 0 else {
                    throw DockStoreError.failed("systemctl restart docker.service failed: \(result.reason)")
                }
            }
        }
    }
}
