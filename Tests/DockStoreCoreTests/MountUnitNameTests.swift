import Testing
@testable import DockStoreCore

/// The mount unit names systemd gives paths (random paths are checked against systemd-escape
/// in EscapeOracleTests; these are the rules one by one).
@Suite struct MountUnitNameTests {
    static let cases: [(String, String)] = [
        ("/var/lib/docker", "var-lib-docker.mount"),
        ("/srv/docker-store", "srv-docker\\x2dstore.mount"),
        ("/.hidden/x", "\\x2ehidden-x.mount"),
        ("/srv/.hidden", "srv-.hidden.mount"),
        ("/srv/a+b~", "srv-a\\x2bb\\x7e.mount"),
        ("/srv/50%/é", "srv-50\\x25-\\xc3\\xa9.mount"),
        ("/srv/a\\b:c_d", "srv-a\\x5cb:c_d.mount"),
    ]

    @Test(arguments: cases)
    func namesAsSystemdEscapeDoes(_ path: String, _ name: String) {
        #expect(MountUnitName.of(.known(path)) == name)
    }

    /// 253 bytes at most: the unit's drop-in folder (`NAME.d`) is a file name of 255 bytes at most.
    @Test func aNameLongerThanSystemdTakesDoesNotFit() {
        #expect(MountUnitName.fits(.known("/srv/" + String(repeating: "d", count: 243))))
        #expect(!MountUnitName.fits(.known("/srv/" + String(repeating: "d", count: 244))))
        #expect(!MountUnitName.fits(.known("/srv/" + String(repeating: "-", count: 62))))
    }
}
