@testable import DockStoreCore
import Testing

/// A unit file's lines as systemd 252's config parser takes them. Rows from attack 18 (A-F7)
/// and attack 19 (D: F1–F5, F8), each run through `systemd --test` / `systemd-analyze verify`
/// of systemd 252 (the boot tier's Debian root, in a chroot).
@Suite struct UnitFileLinesTests {
    /// (name, bytes, the line systemd fails the file at, or nil)
    static let failures: [(String, [UInt8], Int?)] = [
        ("a comment", Array("[Unit]\n# caf".utf8) + [0xE9] + Array("\nDescription=x\n".utf8), nil),
        ("an indented ; comment", Array("[Unit]\n   ; caf".utf8) + [0xE9] + Array("\nDescription=x\n".utf8), nil),
        ("Description=", Array("[Unit]\nDescription=caf".utf8) + [0xE9] + Array("\n[Service]\nExecStart=/bin/true\n".utf8), 2),
        ("a continued line, named at its last line", Array("[Unit]\nDescription=x \\\n caf".utf8) + [0xE9] + Array("\n".utf8), 3),
        ("a section header", Array("[Service]\nExecStart=/bin/true\n[X-Caf".utf8) + [0xE9] + Array("]\nA=1\n".utf8), 3),
        ("an unknown key", Array("[Service]\nX-Foo=caf".utf8) + [0xE9] + Array("\n".utf8), 2),
        ("a bare byte", Array("[Unit]\nDescription=x\n".utf8) + [0xE9] + Array("\n".utf8), 3),
        ("valid UTF-8", Array("[Unit]\nDescription=caf\u{e9} \u{2014} ok\n".utf8), nil),
        ("a header with a comment after it (D-F8)", Array("[Unit]\nDescription=x\n[Service] # main\nType=notify\n".utf8), 3),
        ("a line over 1 MiB (D-F4)", Array("[Unit]\n# ".utf8) + [UInt8](repeating: 0x61, count: 1_200_000) + Array("\n[Service]\n".utf8), 2),
    ]

    @Test(arguments: failures)
    func failsTheFileWhereSystemdDoes(_ name: String, _ bytes: [UInt8], _ line: Int?) {
        #expect(UnitFileLines.read(bytes).failure?.line == line, "\(name)")
    }

    /// (name, bytes, the entries systemd reads)
    static let readings: [(String, [UInt8], [String])] = [
        ("a backslash then a blank ends the line (D-F1)", Array("[Service]\nExecStart=/usr/bin/dockerd \\ \n  $DOCKER_OPTS\n".utf8),
         ["[Service]", "ExecStart=/usr/bin/dockerd \\"]),
        ("an odd number of backslashes continues", Array("[Service]\nExecStart=/usr/bin/dockerd \\\n  $DOCKER_OPTS\n".utf8),
         ["[Service]", "ExecStart=/usr/bin/dockerd    $DOCKER_OPTS"]),
        ("an even number does not (D-F2)", Array("[Service]\nEnvironment=A=b\\\\\nEnvironmentFile=\n".utf8),
         ["[Service]", "Environment=A=b\\\\", "EnvironmentFile="]),
        ("a NUL ends a line (D-F3)", Array("[Service]\n# note".utf8) + [0] + Array("EnvironmentFile=\n".utf8), ["[Service]", "EnvironmentFile="]),
        ("a lone CR ends a line (D-F3)", Array("[Service]\rEnvironmentFile=\r".utf8), ["[Service]", "EnvironmentFile="]),
        ("CRLF is one line end", Array("[Service]\r\nEnvironmentFile=/etc/sysconfig/docker\r\n".utf8), ["[Service]", "EnvironmentFile=/etc/sysconfig/docker"]),
        ("a no-break space is text, not a blank (D-F5)", Array("[Service]\nEnvironmentFile\u{a0}=\nEnvironmentFile=/x\u{a0}\n".utf8),
         ["[Service]", "EnvironmentFile\u{a0}=", "EnvironmentFile=/x\u{a0}"]),
        ("a comment inside a continuation is skipped", Array("[Service]\nExecStart=/a \\\n# c\n  b\n".utf8), ["[Service]", "ExecStart=/a    b"]),
        ("a line without = is ignored", Array("[Service]\nnonsense\nType=notify\n".utf8), ["[Service]", "Type=notify"]),
    ]

    @Test(arguments: readings)
    func readsTheLinesSystemdReads(_ name: String, _ bytes: [UInt8], _ expected: [String]) {
        let entries = UnitFileLines.read(bytes).entries.map { $0.key.hasPrefix("[") ? $0.key : $0.key + "=" + $0.value }
        #expect(entries == expected, "\(name)")
    }

    /// A drop-in that fails keeps what it set before the failing line.
    @Test func aDropInIsReadUpToTheFailingLine() {
        let bytes = Array("[Service]\nEnvironmentFile=\nEnvironment=A=caf".utf8) + [0xE9] + Array("\nEnvironmentFile=/etc/sysconfig/docker\n".utf8)
        let reading = UnitFileLines.read(bytes)
        #expect(reading.failure?.line == 3)
        #expect(reading.entries.map(\.key) == ["[Service]", "EnvironmentFile"])
    }
}
