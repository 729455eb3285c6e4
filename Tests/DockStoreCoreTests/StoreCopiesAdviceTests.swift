@testable import DockStoreCore
import Testing

/// What `StoreCopies.advice` tells an admin with two copies of one member attached: it names
/// the older copy only when the generations tell it (the fifteenth attack's C25: a `cp` of an
/// unmounted volume keeps its generation, and the advice named the store itself for btrfstune).
struct StoreCopiesAdviceTests {
    func copy(_ path: String, _ generation: UInt64) -> StoreCopy {
        StoreCopy(path: path, devid: 1, deviceUUID: "d1", generation: generation)
    }

    @Test func theLowerGenerationIsNamedAsTheCopy() {
        #expect(StoreCopies.advice([[copy("/dev/loop3", 7), copy("/dev/loop4", 9)]])
                == "detach the copy that is not the store (the lower generation is the older: /dev/loop3), or give it new UUIDs while it is not mounted (btrfstune -u /dev/loop3, or btrfstune -m /dev/loop3)")
    }

    @Test func everyCopyBelowTheHighestIsOlder() {
        let advice = StoreCopies.advice([[copy("/dev/loop3", 9), copy("/dev/loop4", 5), copy("/dev/loop5", 7)]])
        #expect(advice.contains("the lower generation is the older: /dev/loop4, /dev/loop5") && advice.contains("btrfstune -u THE-COPY"), "\(advice)")
        #expect(!advice.contains("/dev/loop3"), "the newest is the store: \(advice)")
    }

    @Test(arguments: [[UInt64(7), 7], [7, 7, 5]])
    func equalHighestGenerationsNameNoDevice(_ generations: [UInt64]) {
        let group = generations.enumerated().map { copy("/dev/loop\($0.offset + 3)", $0.element) }
        let advice = StoreCopies.advice([group])
        #expect(advice.contains("/dev/loop3 and /dev/loop4 carry the same generation 7, so nothing on them tells the store from its copy"), "\(advice)")
        #expect(advice.contains("btrfstune -u THE-COPY, or btrfstune -m THE-COPY") && !advice.contains("older"), "\(advice)")
        #expect(!advice.contains("btrfstune -u /dev/"), "no device is named to re-UUID: \(advice)")
    }

    @Test func aTieInOneGroupWithholdsTheNamesOfAll() {
        let advice = StoreCopies.advice([[copy("/dev/loop3", 7), copy("/dev/loop4", 9)],
                                         [StoreCopy(path: "/dev/loop5", devid: 2, deviceUUID: "d2", generation: 9),
                                          StoreCopy(path: "/dev/loop6", devid: 2, deviceUUID: "d2", generation: 9)]])
        #expect(advice.contains("/dev/loop5 and /dev/loop6 carry the same generation 9") && !advice.contains("btrfstune -u /dev/"), "\(advice)")
    }
}
