import Testing
@testable import DockStoreCore

/// Which device each member of a mounted btrfs is, from the paths btrfs recorded and the
/// kernel's own list (attack 49 S B8–B22): a path that names a listed device no other member
/// claims, a `/dev/NAME` path before a node naming the same device, one left over by elimination.
@Suite struct MemberDevicesTests {
    typealias Named = MemberDevices.Named

    static func named(_ devid: UInt64, _ path: String, _ device: String?, byName: Bool) -> Named {
        Named(devid: devid, path: path, device: device, kernelName: byName)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var what: String
        var members: [(UInt64, String, String?, Bool)]
        var listed: [String]?
        /// devid → the device, or nil for "cannot tell".
        var expected: [UInt64: String?]
        var testDescription: String { what }
    }

    static let cases: [Case] = [
        Case(what: "kernel names", members: [(1, "/dev/loop0", "loop0", true), (2, "/dev/loop1", "loop1", true)],
             listed: ["loop0", "loop1"], expected: [1: "loop0", 2: "loop1"]),
        Case(what: "B8: a node in a subfolder names its device", members: [(1, "/dev/loop0", "loop0", true), (2, "/dev/sub/d2", "loop1", false)],
             listed: ["loop0", "loop1"], expected: [1: "loop0", 2: "loop1"]),
        Case(what: "B9: the node is gone, the one left over", members: [(1, "/dev/loop0", "loop0", true), (2, "/dev/sub/d2", nil, false)],
             listed: ["loop0", "loop1"], expected: [1: "loop0", 2: "loop1"]),
        Case(what: "B10, B15: a node of member 1 loses to member 1's own name", members: [(1, "/dev/loop0", "loop0", true), (2, "/dev/sub/loop0", "loop0", false)],
             listed: ["loop0", "loop1"], expected: [1: "loop0", 2: "loop1"]),
        Case(what: "B22: one member, its node another device's", members: [(1, "/dev/byid/vol0abc", "loop5", false)],
             listed: ["loop0"], expected: [1: "loop0"]),
        Case(what: "B21: one member, its node gone", members: [(1, "/dev/byid/vol0abc", nil, false)],
             listed: ["loop0"], expected: [1: "loop0"]),
        Case(what: "two nodes gone: cannot tell which is which", members: [(1, "/dev/a/x", nil, false), (2, "/dev/a/y", nil, false), (3, "/dev/loop2", "loop2", true)],
             listed: ["loop0", "loop1", "loop2"], expected: [1: nil, 2: nil, 3: "loop2"]),
        Case(what: "two nodes of one device, neither by name", members: [(1, "/dev/a/x", "loop0", false), (2, "/dev/a/y", "loop0", false)],
             listed: ["loop0", "loop1"], expected: [1: nil, 2: nil]),
        Case(what: "a replace's target listed beside the members: no elimination", members: [(1, "/dev/loop0", "loop0", true), (2, "/dev/a/y", nil, false)],
             listed: ["loop0", "loop1", "loop9"], expected: [1: "loop0", 2: nil]),
        Case(what: "seed devices not listed here: named devices taken as named", members: [(1, "/dev/loop0", "loop0", true), (2, "/dev/loop1", "loop1", true)],
             listed: ["loop1"], expected: [1: "loop0", 2: "loop1"]),
        Case(what: "no list: the named device, else cannot tell", members: [(1, "/dev/loop0", "loop0", true), (2, "/dev/a/y", nil, false)],
             listed: nil, expected: [1: "loop0", 2: nil]),
    ]

    @Test(arguments: cases)
    func eachMemberIsTheDeviceTheKernelHolds(_ c: Case) {
        let resolved = MemberDevices.resolve(c.members.map { Self.named($0.0, $0.1, $0.2, byName: $0.3) }, listed: c.listed)
        #expect(resolved.count == c.members.count)
        for (devid, expected) in c.expected {
            switch resolved[devid] {
            case .device(let name)?: #expect(name == expected, "devid \(devid)")
            case .unknown(let why)?:
                #expect(expected == nil, "devid \(devid): \(why)")
                #expect(why.contains(c.members.first { $0.0 == devid }?.1 ?? "?"), "the reason names the recorded path: \(why)")
            case nil: Issue.record("devid \(devid) not resolved")
            }
        }
    }
}
