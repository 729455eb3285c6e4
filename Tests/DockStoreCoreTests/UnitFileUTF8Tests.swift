@testable import DockStoreCore
import Testing

/// Which line of a unit file or drop-in systemd 252 fails on for not being UTF-8 (attack 18,
/// A-F7). Every row was run through `systemd-analyze verify` of systemd 252 (the boot tier's
/// Debian root, in a chroot): a comment line is skipped, a continued line is one line that
/// starts where its first part does, a section header counts like an assignment.
@Suite struct UnitFileUTF8Tests {
    static let cases: [(String, [UInt8], Int?)] = [
        ("a comment", Array("[Unit]\n# caf".utf8) + [0xE9] + Array("\nDescription=x\n".utf8), nil),
        ("an indented ; comment", Array("[Unit]\n   ; caf".utf8) + [0xE9] + Array("\nDescription=x\n".utf8), nil),
        ("Description=", Array("[Unit]\nDescription=caf".utf8) + [0xE9] + Array("\n[Service]\nExecStart=/bin/true\n".utf8), 2),
        ("a continued line", Array("[Unit]\nDescription=x \\\n caf".utf8) + [0xE9] + Array("\n".utf8), 2),
        ("a section header", Array("[Service]\nExecStart=/bin/true\n[X-Caf".utf8) + [0xE9] + Array("]\nA=1\n".utf8), 3),
        ("an unknown key", Array("[Service]\nX-Foo=caf".utf8) + [0xE9] + Array("\n".utf8), 2),
        ("a bare byte", Array("[Unit]\nDescription=x\n".utf8) + [0xE9] + Array("\n".utf8), 3),
        ("valid UTF-8", Array("[Unit]\nDescription=caf\u{e9} \u{2014} ok\n".utf8), nil),
    ]

    @Test(arguments: cases)
    func failsOnTheLineSystemdFailsOn(_ name: String, _ bytes: [UInt8], _ line: Int?) {
        #expect(SystemdUnitFiles.notUTF8Line(bytes)?.line == line, "\(name)")
    }

    /// A drop-in that fails keeps what it set before the bad line: the reading sees only that.
    @Test func aDropInIsReadUpToTheBadLine() {
        let bytes = Array("[Service]\nEnvironmentFile=\nEnvironment=A=caf".utf8) + [0xE9] + Array("\nEnvironmentFile=/etc/sysconfig/docker\n".utf8)
        let bad = SystemdUnitFiles.notUTF8Line(bytes)
        #expect(bad?.line == 3)
        #expect(bad.map { Array(bytes[..<$0.offset]) } == Array("[Service]\nEnvironmentFile=\n".utf8))
    }
}
