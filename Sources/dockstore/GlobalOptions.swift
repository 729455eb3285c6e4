import ArgumentParser
import DockStoreCore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configure the system under this folder instead of /.", valueName: "dir"))
    var root: String = "/"

    func host() throws -> Host { try Host(root: root) }
}

/// Where the store lives: shared by provision and status. Unset options fall back to
/// /etc/sysconfig/dockstore, then to the defaults.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The image file (default /var/lib/docker-storage.btrfs).", valueName: "path"))
    var image: String?

    @Option(name: .long, help: ArgumentHelp("Where Docker's storage is mounted (default /var/lib/docker).", valueName: "path"))
    var mountpoint: String?

    func paths(_ settings: ProvisionSettings) throws -> (image: HostPath, mountpoint: HostPath) {
        (try image.map { try HostPath($0, what: "--image") } ?? settings.image ?? HostPaths.defaultImage,
         try mountpoint.map { try HostPath($0, what: "--mountpoint") } ?? settings.mountpoint ?? HostPaths.defaultMountpoint)
    }
}
