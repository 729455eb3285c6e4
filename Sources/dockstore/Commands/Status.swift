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
            let host = try global.host()
            let paths = try store.paths(host)
            let store = StoreObserver(host: host, paths: paths).observe(.all)
            let request = try device.map {
                try StoreStatus.deviceRequest(host: host, image: paths.image, mountpoint: paths.mountpoint, device: $0)
            } ?? StoreStatus.detectRequest(host: host, image: paths.image, mountpoint: paths.mountpoint, store: store)
            let status = try StoreStatus.inspect(host: host, request: request, store: store)
            Output.line(json ? try status.renderJSON() : status.renderText())
            if !status.inPlace { throw ExitCode(ExitStatus.problems.rawValue) }
        }
    }
}
