import Testing
@testable import DockStoreCore

/// `teardown --wipe-device` after a kill and after success (attack 8, F3 and F4): the wipe comes
/// before the fstab write, a line naming a UUID no device holds is still dockstore's, and a
/// re-run with nothing left to wipe has nothing to do instead of refusing.
@Suite struct TeardownWipeConvergenceTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()
    static let rootLine = "/dev/vda1 / ext4 defaults 0 1\n"
    /// The line provision --device writes, with dockstore's ordering option.
    static let ourLine = "UUID=u /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n"
    /// An admin's line for a UUID no device holds: not dockstore's (no ordering option).
    static let adminLine = "UUID=u /var/lib/docker btrfs nofail 0 0\n"
    static let wipe = TeardownRequest(wipeDevice: true)

    /// Nothing mounted, the device gone or wiped, the boot switch left by the killed run.
    static func after(fstab: String, unheld: String? = nil, dropIn: DockerDropIn.Ownership? = .dockstore) -> TeardownObservation {
        var o = TeardownObservation.fixture(fstab: fstab, dropIn: dropIn)
        o.bootDisabled = true
        o.unheldFstabUUID = unheld
        return o
    }

    static let cases: [(String, TeardownObservation, TeardownRequest, [String]?, String)] = [
        ("killed after the wipe: the line names a UUID no device holds", after(fstab: rootLine + ourLine, unheld: "u"), wipe,
         ["fstab", "drop-in"], ""),
        ("the same without --wipe-device: the line is still dockstore's", after(fstab: rootLine + ourLine, unheld: "u"), TeardownRequest(),
         ["fstab", "drop-in"], ""),
        ("killed after the fstab write: nothing names a device, nothing left to wipe", after(fstab: rootLine), wipe, ["drop-in"], ""),
        ("re-run after a finished teardown --wipe-device", after(fstab: rootLine, dropIn: nil), wipe, [], ""),
        ("an admin's line for a UUID no device holds is not dockstore's", after(fstab: rootLine + adminLine, unheld: "u"), wipe,
         nil, "the store has no device"),
        ("the line's UUID held by a device that is not the store's (another label)", after(fstab: rootLine + ourLine), wipe,
         nil, "the store has no device"),
        ("the volume detached before any teardown (no boot switch): refused, the line stays (attack 13 X3)",
         { var o = after(fstab: rootLine + ourLine, unheld: "u"); o.bootDisabled = false; return o }(), wipe,
         nil, "no device this machine can read holds the filesystem UUID u that fstab's line for /var/lib/docker names, and no teardown got as far as wiping it: the volume is detached or not attached yet; attach it and re-run, or run teardown without --wipe-device to keep its data"),
        ("the same without --wipe-device goes on: the data stays on the volume",
         { var o = after(fstab: rootLine + ourLine, unheld: "u"); o.bootDisabled = false; return o }(), TeardownRequest(),
         ["disable-boot", "fstab", "drop-in"], ""),
        ("an image store torn down without --delete-image keeps refusing", { var o = after(fstab: rootLine); o.imageExists = true; return o }(), wipe,
         nil, "the store has no device"),
    ]

    @Test(arguments: cases)
    func plans(_ name: String, _ observed: TeardownObservation, _ request: TeardownRequest, _ expected: [String]?, _ fragment: String) {
        do {
            let steps = try TeardownPlanner.plan(observed, request, Self.host)
            #expect(steps.map(\.id) == expected, "\(name)")
            if case .writeFstab(let bytes, _, _)? = steps.first(where: { $0.id == "fstab" }) {
                #expect(String(decoding: bytes, as: UTF8.self) == Self.rootLine, "\(name): only dockstore's line goes")
            }
        } catch let error as DockStoreError {
            #expect(expected == nil, "\(name): \(error.message)")
            #expect(error.kind == .refused)
            #expect(error.message.contains(fragment), "\(name): \(error.message)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    /// Every step order teardown can take: the wipe right after the boot switch, before the fstab
    /// write (which forgets the device), and the failpoints in that order.
    @Test func theWipeComesBeforeTheFstabWrite() {
        let ids = TeardownStep.failpoints
        let wipe = ids.firstIndex(of: "wipe-device"), fstab = ids.firstIndex(of: "fstab"), boot = ids.firstIndex(of: "disable-boot")
        #expect(wipe != nil && fstab != nil && boot != nil)
        if let wipe, let fstab, let boot { #expect(boot + 1 == wipe && wipe + 1 == fstab, "\(ids)") }
    }

    /// A run with nothing left to wipe says so, never reads as a wipe done; a run that wipes, or
    /// refuses, says nothing more.
    @Test func saysWhenNothingIsLeftToWipe() {
        let unheld = TeardownPlanner.wipeNote(Self.after(fstab: Self.rootLine + Self.ourLine, unheld: "u"), Self.wipe, Self.host)
        #expect(unheld == "--wipe-device: no device this machine can read holds the filesystem UUID u that fstab's line for /var/lib/docker names (a teardown --wipe-device killed after its wipe): nothing left to wipe; the line goes")
        let gone = TeardownPlanner.wipeNote(Self.after(fstab: Self.rootLine, dropIn: nil), Self.wipe, Self.host)
        #expect(gone == "--wipe-device: nothing is mounted at /var/lib/docker and fstab names no device, so there is no device left to wipe (a teardown --wipe-device wiped it, or the store was taken down without it: then wipefs -a the device yourself if that is what you want)")
        #expect(TeardownPlanner.wipeNote(Self.after(fstab: Self.rootLine, dropIn: nil), TeardownRequest(), Self.host) == nil)
        #expect(TeardownPlanner.wipeNote(Self.after(fstab: Self.rootLine + Self.adminLine, unheld: "u"), Self.wipe, Self.host) == nil)
        var device = Self.after(fstab: Self.rootLine + Self.ourLine)
        (device.device, device.storeUUID, device.deviceLabel) = ("/dev/nvme1n1", "u", "docker")
        #expect(TeardownPlanner.wipeNote(device, Self.wipe, Self.host) == nil)
    }
}
