import Testing
@testable import DockStoreCore

/// Which image and mountpoint a command works on: its flag, else the settings file, else the
/// default; a bad value at any level refuses naming where it came from, never falls through
/// to the next level.
@Suite struct StorePathsTests {
    static let file = "/etc/sysconfig/dockstore"

    /// Settings holding `text`, as `ProvisionSettings.load` reads them: a parse failure is
    /// the unreadable fact with the parser's error.
    static func settings(_ text: String) -> StoreFact<ProvisionSettings> {
        .reading { try ProvisionSettings.parse(text, path: file) }
    }

    static let empty = settings("")
    static let both = settings("DOCKSTORE_IMAGE=\"/srv/s.btrfs\"\nDOCKSTORE_MOUNTPOINT=\"/srv/docker\"\n")
    static let notRegular = StoreFact<ProvisionSettings>.unreadable(
        .refused("/etc/sysconfig/dockstore is a named pipe, not a regular file; replace it with the settings file itself"))

    /// (--image, --mountpoint, settings file, the image and mountpoint chosen).
    @Test(arguments: [
        (nil, nil, empty, "/var/lib/docker-storage.btrfs", "/var/lib/docker"),
        (nil, nil, both, "/srv/s.btrfs", "/srv/docker"),
        (nil, nil, settings("DOCKSTORE_IMAGE=\"/srv/s.btrfs\"\n"), "/srv/s.btrfs", "/var/lib/docker"),
        (nil, nil, settings("DOCKSTORE_MOUNTPOINT=\"/srv/docker\"\n"), "/var/lib/docker-storage.btrfs", "/srv/docker"),
        // An empty value is no value: the default.
        (nil, nil, settings("DOCKSTORE_IMAGE=\"\"\nDOCKSTORE_MOUNTPOINT=\"\"\n"), "/var/lib/docker-storage.btrfs", "/var/lib/docker"),
        ("/a.btrfs", nil, both, "/a.btrfs", "/srv/docker"),
        (nil, "/m", both, "/srv/s.btrfs", "/m"),
        ("/a.btrfs", "/m", both, "/a.btrfs", "/m"),
        ("/a.btrfs", "/m", empty, "/a.btrfs", "/m"),
    ] as [(String?, String?, StoreFact<ProvisionSettings>, String, String)])
    func aFlagBeatsTheSettingsWhichBeatTheDefault(_ image: String?, _ mountpoint: String?,
                                                  _ settings: StoreFact<ProvisionSettings>, _ wantImage: String, _ wantMountpoint: String) throws {
        let paths = try StorePaths.resolve(image: image, mountpoint: mountpoint, settings: settings)
        #expect(paths.image.string == wantImage)
        #expect(paths.mountpoint.string == wantMountpoint)
        #expect(paths.settings == settings, "the paths carry the settings they were resolved with")
    }

    /// A bad value refuses at the level it is at, naming it: a bad flag even when the settings
    /// have a good value, bad settings even when a flag is given (the command reads other
    /// settings from the file too), and never a fall-through to the default.
    @Test(arguments: [
        ("relative.btrfs", nil, both, DockStoreCore.ExitStatus.usage, "--image 'relative.btrfs' is not an absolute path"),
        (nil, "/srv/../docker", both, .usage, "--mountpoint '/srv/../docker' contains '.' or '..'"),
        (nil, "/srv/doc ker", empty, .usage, "--mountpoint '/srv/doc ker'"),
        (nil, nil, settings("DOCKSTORE_IMAGE=\"relative\"\n"), .usage, "/etc/sysconfig/dockstore line 1: DOCKSTORE_IMAGE 'relative' is not an absolute path"),
        (nil, nil, settings("DOCKSTORE_MOUNTPOINT=\"/srv/./d\"\n"), .usage, "/etc/sysconfig/dockstore line 1: DOCKSTORE_MOUNTPOINT '/srv/./d'"),
        ("/a.btrfs", "/m", settings("DOCKSTORE_MOUNTPOINT=\"/srv/./d\"\n"), .usage, "/etc/sysconfig/dockstore line 1: DOCKSTORE_MOUNTPOINT"),
        ("/a.btrfs", "/m", settings("DOCKSTORE_IMAGE=/x\r\n"), .refused, "/etc/sysconfig/dockstore line 1 ends in a carriage return"),
        ("/a.btrfs", "/m", notRegular, .refused, "/etc/sysconfig/dockstore is a named pipe, not a regular file; replace it"),
        (nil, nil, notRegular, .refused, "/etc/sysconfig/dockstore is a named pipe"),
    ] as [(String?, String?, StoreFact<ProvisionSettings>, DockStoreCore.ExitStatus, String)])
    func aBadValueRefusesNamingItsLevel(_ image: String?, _ mountpoint: String?, _ settings: StoreFact<ProvisionSettings>,
                                        _ exit: DockStoreCore.ExitStatus, _ fragment: String) {
        do {
            let paths = try StorePaths.resolve(image: image, mountpoint: mountpoint, settings: settings)
            Issue.record("accepted: \(paths.image.string) \(paths.mountpoint.string)")
        } catch let error as DockStoreError {
            #expect(DockStoreCore.ExitStatus(error.kind) == exit, "\(error.message)")
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(!error.message.contains("\n"), "one line: \(error.message)")
        } catch { Issue.record("\(error)") }
    }

    /// check, grow and backend: the flag, else the settings' mountpoint, else the default; the
    /// settings file is read only when no flag is given (check runs every minute), and an
    /// observation then says it was not read instead of carrying empty settings.
    @Test(arguments: [
        ("/m", both, "/m", false),
        ("/m", notRegular, "/m", false),
        (nil, both, "/srv/docker", true),
        (nil, empty, "/var/lib/docker", true),
        (nil, settings("DOCKSTORE_IMAGE=\"/srv/s.btrfs\"\n"), "/var/lib/docker", true),
    ] as [(String?, StoreFact<ProvisionSettings>, String, Bool)])
    func theMountpointAloneReadsTheSettingsOnlyWithoutTheFlag(_ given: String?, _ settings: StoreFact<ProvisionSettings>,
                                                             _ want: String, _ reads: Bool) throws {
        var read = 0
        let (mountpoint, fact) = try StorePaths.mountpoint(given: given) { read += 1; return settings }
        #expect(mountpoint.string == want)
        #expect(read == (reads ? 1 : 0))
        if reads {
            #expect(fact == settings)
        } else {
            guard case .unreadable(let why) = fact else { Issue.record("settings read although --mountpoint was given"); return }
            #expect(why.message.contains("did not read the settings file (--mountpoint was given)"), "\(why.message)")
        }
    }

    @Test(arguments: [
        (Optional("relative"), empty, DockStoreCore.ExitStatus.usage, "--mountpoint 'relative' is not an absolute path"),
        (nil, settings("DOCKSTORE_MOUNTPOINT=\"relative\"\n"), .usage, "/etc/sysconfig/dockstore line 1: DOCKSTORE_MOUNTPOINT 'relative'"),
        (nil, settings("DOCKSTORE_SIZE=10Q\n"), .usage, "/etc/sysconfig/dockstore line 1: DOCKSTORE_SIZE '10Q'"),
        (nil, notRegular, .refused, "/etc/sysconfig/dockstore is a named pipe"),
    ] as [(String?, StoreFact<ProvisionSettings>, DockStoreCore.ExitStatus, String)])
    func theMountpointAloneRefusesABadValue(_ given: String?, _ settings: StoreFact<ProvisionSettings>,
                                            _ exit: DockStoreCore.ExitStatus, _ fragment: String) {
        do {
            let (mountpoint, _) = try StorePaths.mountpoint(given: given) { settings }
            Issue.record("accepted \(mountpoint.string)")
        } catch let error as DockStoreError {
            #expect(DockStoreCore.ExitStatus(error.kind) == exit, "\(error.message)")
            #expect(error.message.contains(fragment), "\(error.message)")
        } catch { Issue.record("\(error)") }
    }

    /// The observer built from resolved paths carries the settings they were read with.
    @Test func theObservationCarriesTheSettings() throws {
        let paths = try StorePaths.resolve(image: nil, mountpoint: nil, settings: Self.both)
        let observed = StoreObserver(host: try Host(root: "/"), paths: paths).observe([])
        #expect(observed.settings == Self.both)
        #expect(observed.imagePath == "/srv/s.btrfs")
    }
}
