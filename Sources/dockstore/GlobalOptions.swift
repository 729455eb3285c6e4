import ArgumentParser
import DockStoreCore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configure the system under this folder instead of /.", valueName: "dir"))
    var root: String = "/"

    func host() throws -> Host { try Host(root: root) }
}

/// Where the store lives: shared by provision and status.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The image file.", valueName: "path"))
    var image: String = HostPaths.defaultImage.string

    @Option(name: .long, help: ArgumentHelp("Where Docker's storage is mounted.", valueName: "path"))
    var mountpoint: String = HostPaths.defaultMountpoint.string

    func paths() throws -> (image: HostPath, mountpoint: HostPath) {
        (try HostPath(image, what: "--image"), try HostPath(mountpoint, what: "--mountpoint"))
    }
}
