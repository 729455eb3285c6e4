import Testing
@testable import DockStoreCore

/// check asks the kernel about fstab's line only when an option may reach the filesystem
/// (`FstabRejectedOption.mayReachFilesystem`), so dockstore's own line loads no library. What it
/// leaves out must be what libmount itself keeps from the filesystem: libmount's split
/// (`mnt_split_optstr`, the real library) is the oracle.
struct FstabRejectedOptionTests {
    @Test(arguments: FstabRejectedOption.keptFromTheFilesystem.sorted()
                     + ["x-systemd.before=dockstore-provision.service", "x-systemd.requires-mounts-for=/var/lib", "comment=x"])
    func whatIsLeftOutLibmountKeepsFromTheFilesystem(_ option: String) {
        #expect(!FstabRejectedOption.mayReachFilesystem(option))
        #expect(KernelMountOptions.filesystemOptions([option]).isEmpty, "libmount hands '\(option)' to the filesystem")
    }

    @Test(arguments: ["bogusopt", "compress=zstd:3", "commit=abc", "#defaults", "subvol", "discard", "device=/dev/x"])
    func anythingElseIsAsked(_ option: String) {
        #expect(FstabRejectedOption.mayReachFilesystem(option))
        #expect(KernelMountOptions.filesystemOptions([option]) == [option])
    }

    /// provision's own filesystem options were asked when it wrote them.
    @Test(arguments: FstabRejectedOption.writtenByProvision.sorted())
    func provisionsOwnAreNotAskedAgain(_ option: String) {
        #expect(!FstabRejectedOption.mayReachFilesystem(option))
        #expect(KernelMountOptions.filesystemOptions([option]) == [option])
    }

    @Test func aLineOfDockstoresOwnAsksNothing() {
        let line = "/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,discard=async,x-systemd.requires-mounts-for=/var/lib,x-systemd.before=dockstore-provision.service 0 0\n"
        let entry = FstabFile(bytes: Array(line.utf8)).entries(mountingAt: HostPaths.defaultMountpoint).first?.entry
        #expect(entry?.options.contains(where: FstabRejectedOption.mayReachFilesystem) == false)
    }
}
