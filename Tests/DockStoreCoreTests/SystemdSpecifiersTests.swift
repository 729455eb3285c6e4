@testable import DockStoreCore
import Testing

/// The `%` specifiers of an `EnvironmentFile=` path, as systemd expands them for a system unit
/// (attack 18, A-F10: `/etc/sysconfig/%p` reads /etc/sysconfig/docker).
@Suite struct SystemdSpecifiersTests {
    static let cases: [(String, String, String?)] = [
        ("/etc/sysconfig/%p", "docker.service", "/etc/sysconfig/docker"),
        ("/etc/sysconfig/%N", "docker.service", "/etc/sysconfig/docker"),
        ("%E/sysconfig/%n.env", "docker.service", "/etc/sysconfig/docker.service.env"),
        ("-%S/%i.env", "docker.service", "-/var/lib/.env"),
        ("/etc/%p/%i", "docker@blue.service", "/etc/docker/blue"),
        ("/etc/%j", "my-docker.service", "/etc/docker"),
        ("/etc/%P", "my-docker.service", "/etc/my/docker"),
        ("/etc/100%%", "docker.service", "/etc/100%"),
        ("/etc/%H.env", "docker.service", nil),
        ("/etc/%m", "docker.service", nil),
        ("/etc/%", "docker.service", nil),
        ("/etc/sysconfig/docker", "docker.service", "/etc/sysconfig/docker"),
    ]

    @Test(arguments: cases)
    func expandsWhatCanBeToldOfATree(_ text: String, _ unit: String, _ expected: String?) {
        #expect(SystemdSpecifiers.expand(text, unit: unit) == expected, "\(text) in \(unit)")
    }
}
