import Testing
@testable import DockStoreCore

/// The options `KernelMountOptions` asks the kernel about, split as libmount reads an option
/// string: at commas outside double quotes, quotes kept (mount(2) hands them over so). The
/// kernel's answers themselves are checked against the real kernel in
/// `KernelRejectedOptionIntegrationTests`.
struct KernelMountOptionsSplitTests {
    @Test(arguments: [
        ("compress=zstd,noatime", ["compress=zstd", "noatime"]),
        ("context=\"a,b\",bogusopt", ["context=\"a,b\"", "bogusopt"]),
        ("compress=\"bogus\"", ["compress=\"bogus\""]),
        (",,ssd,,", ["ssd"]),
        ("", []),
    ])
    func splitsAtCommasOutsideQuotes(_ text: String, _ expected: [String]) {
        #expect(KernelMountOptions.splitOutsideQuotes(text) == expected)
    }

    /// libmount's own options and the VFS flags never reach the filesystem, so they are never asked.
    @Test func onlyWhatLibmountHandsTheFilesystemIsAsked() {
        #expect(KernelMountOptions.filesystemOptions(["defaults", "noatime", "nofail", "x-systemd.before=a.service", "ro", "bogusopt", "compress=zstd:3"])
                == ["bogusopt", "compress=zstd:3"])
    }
}
