@testable import DockStoreCore
import Testing

/// The `%` specifiers of an `EnvironmentFile=` path, as systemd 252 expands them for a system
/// unit (attack 18, A-F10; attack 19, D-F7, F10, F12, F13: the values systemd gave for a tree).
@Suite struct SystemdSpecifiersTests {
    static let tree = SystemdSpecifiers.Context(unitFile: "/usr/lib/systemd/system/docker.service",
                                                osRelease: ["ID": "debian", "VERSION_ID": "12"],
                                                machineID: "0123456789abcdef0123456789abcdef", rootShell: "/bin/bash")
    typealias E = SystemdSpecifiers.Expansion
    static let cases: [(String, String, SystemdSpecifiers.Context, E)] = [
        ("/etc/sysconfig/%p", "docker.service", .none, .text("/etc/sysconfig/docker")),
        ("/etc/sysconfig/%N", "docker.service", .none, .text("/etc/sysconfig/docker")),
        ("%E/sysconfig/%n.env", "docker.service", .none, .text("/etc/sysconfig/docker.service.env")),
        ("-%S/%i.env", "docker.service", .none, .text("-/var/lib/.env")),
        ("/etc/%p/%i", "docker@blue.service", .none, .text("/etc/docker/blue")),
        ("/etc/%j", "my-docker.service", .none, .text("/etc/docker")),
        ("/etc/%P", "my-docker.service", .none, .text("/etc/my/docker")),
        ("/etc/100%%", "docker.service", .none, .text("/etc/100%")),
        ("/etc/sysconfig/%%p", "docker.service", .none, .text("/etc/sysconfig/%p")),
        ("-%Y/docker.env", "docker.service", tree, .text("-/usr/lib/systemd/system/docker.env")),
        ("%y", "docker.service", tree, .text("/usr/lib/systemd/system/docker.service")),
        ("/etc/sysconfig/%o-%w", "docker.service", tree, .text("/etc/sysconfig/debian-12")),
        ("/x/%W%B%M%A", "docker.service", tree, .text("/x/")),
        ("/x/%m", "docker.service", tree, .text("/x/0123456789abcdef0123456789abcdef")),
        ("/x/%m", "docker.service", .none, .unknowable),
        ("/x/%o", "docker.service", .none, .unknowable),
        ("%s", "docker.service", tree, .text("/bin/bash")),
        ("/etc/%H.env", "docker.service", tree, .unknowable),
        ("/etc/%a %b %l %q %v", "docker.service", tree, .unknowable),
        ("/etc/x/%z", "docker.service", tree, .invalid),
        ("/etc/%", "docker.service", tree, .invalid),
        ("/etc/sysconfig/docker", "docker.service", .none, .text("/etc/sysconfig/docker")),
    ]

    @Test(arguments: cases)
    func expandsWhatCanBeToldOfATree(_ text: String, _ unit: String, _ context: SystemdSpecifiers.Context, _ expected: E) {
        #expect(SystemdSpecifiers.expand(text, unit: unit, context: context) == expected, "\(text) in \(unit)")
    }

    @Test func pathsAreSimplifiedAsSystemdDoes() {
        #expect(SystemdSpecifiers.simplified("/s/C//var/cache") == "/s/C/var/cache")
        #expect(SystemdSpecifiers.simplified("/etc/./sysconfig/docker/") == "/etc/sysconfig/docker")
        #expect(SystemdSpecifiers.simplified("/etc/../etc/x") == "/etc/../etc/x")
    }
}
