import ArgumentParser
import DockStoreCore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configure the system under this folder instead of /.", valueName: "dir"))
    var root: String = "/"

    func host() throws -> Host { try Host(root: root) }
}

/// Where the store lives: shared by provision, status, teardown, migrate-ebs and reclaim.
/// Unset options fall back to /etc/sysconfig/dockstore, then to the defaults (`StorePaths`).
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The image file (default DOCKSTORE_IMAGE, else /var/lib/docker-storage.btrfs).", valueName: "path"))
    var image: String?

    @Option(name: .long, help: ArgumentHelp("Where Docker's storage is mounted (default DOCKSTORE_MOUNTPOINT, else /var/lib/docker).", valueName: "path"))
    var mountpoint: String?

    /// The paths, and the settings file read once for them.
    func paths(_ host: Host) throws -> StorePaths {
        try StorePaths.read(host: host, image: image, mountpoint: mountpoint)
    }
}

/// Options every changing command takes: a dry run, the lock wait, and the hidden
/// failpoint list the crash tests enumerate.
struct ChangeOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the plan and change nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for another dockstore run to finish.", valueName: "seconds"))
    var lockTimeout: Double = 60

    @Flag(name: .long, help: .hidden)
    var listFailpoints = false

    /// Whether the plan's write preflight runs: for every real run, and for root's dry run,
    /// which then refuses as the real run would (an immutable image, a full /etc: attack 41 R
    /// F1 showed dry runs of migrate-ebs and teardown printing a plan the real run refused).
    /// Another user's dry run skips it: files only root may open would be refused for that
    /// user, not for the run the dry run stands for.
    var preflights: Bool { !dryRun || CurrentProcess.isRoot }

    /// Refuses a real run without root; makes the plan with `make` under /run/dockstore.lock,
    /// and a run whose plan `changes` nothing (a refusal, nothing to do) creates no lock file
    /// (`LockedPlanning`); a dry run takes no lock. A run holding the lock gets the debris of
    /// killed runs to sweep (`DebrisSweep`, nil without the lock), judged now (a foreign
    /// temporary folder refuses here) and removed by its applier right before the first step
    /// acts, or by `StepCommand` for a plan without steps.
    /// `unfinishedImage`: the sweep also removes a killed provision's unfinished image (all but
    /// provision, which plans its removal, and teardown, which keeps it without --delete-image).
    /// `watching`: the store's mountpoint; a plan that failed while the mounts there or above
    /// changed is made again (`MountTableChange.steady`).
    func planned<Plan>(_ host: Host, _ what: String, unfinishedImage: Bool = true, watching: [String] = [], changes: (Plan) -> Bool,
                       _ plan: () throws -> Plan) throws -> (lock: FileLock?, sweep: DebrisSweep?, plan: Plan) {
        func make() throws -> Plan { try MountTableChange.steady(for: Self.steadySeconds, watching: watching, plan) }
        guard try mayChange(what) else {
            let plan = try make()
            if unfinishedImage, dryRun, let leftover = try UnfinishedImageDebris.removable(host: host) {
                Output.line("[debris] a run (not a dry run) also removes \(host.real(leftover.path)) (\(leftover.which.what)\(leftover.allocatedText))")
            }
            return (nil, nil, plan)
        }
        // A temporary folder holding what provision never puts there refuses before the lock
        // file is made: a refusal leaves /run as it was (looked at again under the lock).
        try FolderRecordDebris.check(host: host)
        // Debris of a killed write is swept by the next changing run, whatever its plan.
        let (lock, plan) = try LockedPlanning.plan(host: host, timeout: lockTimeout, waiting: Self.waiting,
                                                   changes: { changes($0) || WriteDebris.present(host: host) || FolderRecordDebris.present(host: host)
                                                       || (unfinishedImage && UnfinishedImageDebris.present(host: host)) }, make)
        guard lock != nil else { return (nil, nil, plan) }
        let sweep = try DebrisSweep(host: host, unfinishedImage: unfinishedImage)
        sweep.report = { Output.line($0) }
        return (lock, sweep, plan)
    }

    /// False for a dry run; refuses a real run without root, and a lock timeout out of range.
    func mayChange(_ what: String) throws -> Bool {
        guard lockTimeout >= 0, lockTimeout <= 3600 else {
            throw DockStoreError.usage("--lock-timeout \(lockTimeout) is out of range: give 0 to 3600 seconds")
        }
        if dryRun { return false }
        if !CurrentProcess.isRoot {
            throw DockStoreError.refused("\(what): run it as root (or look first with --dry-run)")
        }
        return true
    }

    /// How long a plan that failed while the mounts at the store changed is made again.
    static let steadySeconds: Double = 5

    static func waiting(_ line: String) {
        if StandardStream.error.isTerminal { Output.warning(line) }
    }
}
