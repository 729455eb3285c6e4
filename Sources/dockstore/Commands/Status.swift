import ArgumentParser
import DockStoreCore

extension Dockstore {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where Docker's storage is and whether fstab, the drop-in and DOCKER_OPTS agree.",
            discussion: "Takes no lock and changes nothing. Exit status 0 when all is in place, 4 when not."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var store: StoreOptions

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        @Option(name: .long, help: ArgumentHelp("Check a device store on this device (found from the mount table or fstab when not given).", valueName: "dev"))
        var device: String?

        func run() throws {
            do {
                try show()
            } catch let error as DockStoreError where error.kind != .usage {
                // One documented answer to "the system could not be read": exit 1, the reason on
                // one line, and with --json an object carrying it (attack 14, Y-MSG-2, Y-MSG-3).
                var message = error.message
                if !CurrentProcess.isRoot, let code = error.code, code == Errno.permissionDenied || code == Errno.notPermitted {
                    message += "; status reads the store's devices and files that only root may read: run it as root"
                }
                if json { Output.line(try StoreStatus.renderErrorJSON(message)) }
                throw DockStoreError(.failed, message, code: error.code)
            }
        }

        func show() throws {
            let host = try global.host()
            let paths = try store.paths(host)
            // Read again when a read failed, or found provision's refusal, while the mounts at
            // the store changed: a loop device over the image read as it was let go after an
            // unmount is "not this store" (the harness's ci of f943071, under a mount -o loop
            // racer), which provision itself re-plans. A status that found it with the mounts
            // steady is said as read; one whose mounts kept changing to the end is refused as that.
            let status = try MountTableChange.steady(for: ChangeOptions.steadySeconds, watching: [host.real(paths.mountpoint)], doubtful: { (status: StoreStatus) in status.doubt }) {
                let store = StoreObserver(host: host, paths: paths).observe(.all)
                let request = try device.map {
                    try StoreStatus.deviceRequest(host: host, image: paths.image, mountpoint: paths.mountpoint, device: $0)
                } ?? StoreStatus.detectRequest(host: host, image: paths.image, mountpoint: paths.mountpoint, store: store)
                return try StoreStatus.inspect(host: host, request: request, store: store)
            }
            Output.line(json ? try status.renderJSON() : status.renderText())
            if !status.inPlace { throw ExitCode(ExitStatus.problems.rawValue) }
        }
    }
}
