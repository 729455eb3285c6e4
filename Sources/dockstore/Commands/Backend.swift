import ArgumentParser
import DockStoreCore

extension Dockstore {
    struct Backend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or set the storage driver dockerd starts with (DOCKER_OPTS in /etc/sysconfig/docker).",
            discussion: """
                Without DRIVER: show the driver and options dockerd will start with, where each comes from, and \
                any conflict with daemon.json or mismatch with the filesystem (exit 4 when there is a problem). \
                With DRIVER: rewrite the storage flags in DOCKER_OPTS, keeping everything else, and remove \
                conflicting storage keys from daemon.json.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("btrfs, overlay2, devicemapper, vfs, zfs or fuse-overlayfs.", valueName: "driver"))
        var driver: String?

        @Option(name: .customLong("storage-opt"), help: ArgumentHelp("A driver option, e.g. btrfs.min_space=10G; repeatable.", valueName: "key=value"))
        var storageOptions: [String] = []

        @Option(name: .long, help: ArgumentHelp("Where Docker's storage is mounted, its filesystem checked (default DOCKSTORE_MOUNTPOINT, else /var/lib/docker).", valueName: "path"))
        var mountpoint: String?

        @Flag(name: .long, help: "Write it even though the driver does not fit the filesystem at the mountpoint.")
        var force = false

        @Flag(name: .long, help: "Restart docker.service afterwards (when systemd runs the host).")
        var restart = false

        @Flag(name: .long, help: "Show the current settings as JSON (without DRIVER).")
        var json = false

        @OptionGroup var change: ChangeOptions

        func run() throws {
            do {
                try runChecked()
            } catch let error as DockStoreError where error.kind == .failed && !CurrentProcess.isRoot
                        && (error.code == Errno.permissionDenied || error.code == Errno.notPermitted) {
                // Another user (attack 49 S F7, F11): the files backend reads are root's, as status says.
                throw DockStoreError(.refused, error.message + "; backend reads files that only root may read: run it as root", code: error.code)
            }
        }

        func runChecked() throws {
            if change.listFailpoints {
                BackendStep.Kind.ids.forEach { Output.line($0) }
                return
            }
            let host = try global.host()
            let target = try StorePaths.mountpoint(host: host, given: mountpoint).mountpoint
            guard let driver else {
                for (given, name) in [(!storageOptions.isEmpty, "--storage-opt"), (force, "--force"), (restart, "--restart"), (change.dryRun, "--dry-run")] where given {
                    throw DockStoreError.usage("\(name) goes with a DRIVER")
                }
                let observed = try BackendObservation.read(host: host, mountpoint: target, checkDTypeFor: nil)
                let report = BackendReport.inspect(observed, host: host, mountpoint: target)
                Output.line(json ? try report.renderJSON() : report.renderText())
                if !report.problems.isEmpty { throw ExitCode(ExitStatus.problems.rawValue) }
                return
            }
            if json { throw DockStoreError.usage("--json shows the current settings; give it without DRIVER") }
            let request = try BackendRequest(driver: driver, options: storageOptions, force: force, restart: restart,
                                             mountpoint: target)
            // A refusal or nothing to do creates no lock file (`LockedPlanning`): the write-time
            // preconditions (an immutable file, a full /etc) are part of the plan (attack 29 R).
            // A refusal is the one line a refused run prints: the plan's warnings come after it.
            let (lock, sweep, plan) = try change.planned(host, "backend rewrites /etc/sysconfig/docker", changes: { !$0.steps.isEmpty }) {
                let plan = try BackendPlanner.plan(try BackendObservation.read(host: host, mountpoint: target, checkDTypeFor: request.driver), request, host)
                try BackendApplier(host: host).checkPreconditions(plan)
                if change.preflights { try StepEngine.preflight(plan.steps, in: host) }
                return plan
            }
            plan.warnings.forEach { Output.warning($0) }
            func show(_ step: BackendStep, done: Bool) -> String {
                switch step {
                case .writeDaemonJSON(let path, let old, let new, let change):
                    return "\(host.real(path)): \(change)\n"
                        + LineDiff.render(oldBytes: old, new: new, path: host.real(path))
                case .writeSysconfig(let old, let new, let change):
                    return "\(host.real(HostPaths.sysconfigDocker)): \(change)\n"
                        + LineDiff.render(oldBytes: old, new: new, path: host.real(HostPaths.sysconfigDocker))
                case .writeBootSettings(let old, let new, let change):
                    return "\(host.real(ProvisionSettings.path)): \(change)\n"
                        + LineDiff.render(oldBytes: old, new: new, path: host.real(ProvisionSettings.path))
                case .restartDocker:
                    return done ? "docker.service restarted." : "restart docker.service"
                }
            }
            let steps = StepShow<BackendStep>(
                nothingToDo: "dockerd already starts with the \(request.driver.name) driver\(request.options.isEmpty ? "" : " and these options"); nothing to do.",
                title: [], dryRunFooter: "(dry run, nothing changed)",
                text: { show($0, done: false) }, done: { show($0, done: true) })
            guard try StepCommand.run(plan.steps, dryRun: change.dryRun, show: steps, sweep: sweep, apply: {
                try BackendApplier(host: host).apply(plan, sweeping: sweep, progress: $0)
            }) else { return }
            if let note = plan.restartNote { Output.warning(note) }
            withExtendedLifetime(lock) {}
        }
    }
}
