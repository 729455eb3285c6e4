@testable import DockStoreCore
import Testing

/// The layers of an overlay mount as mountinfo shows its options (attack 46 P F2).
struct OverlayLayersTests {
    @Test(arguments: [
        ("rw,lowerdir=/l1:/l2,upperdir=/u,workdir=/w,uuid=on", ["/l1", "/l2", "/u", "/w"]),
        // overlayfs escapes a ':' in a lower layer's name; mountinfo octal-escapes a comma and a space.
        ("rw,lowerdir=/l\\:1:/l2,upperdir=/u\\054v,workdir=/w\\040x", ["/l:1", "/l2", "/u,v", "/w x"]),
        // The new mount API's one layer per option.
        ("rw,lowerdir+=/a,lowerdir+=/b,datadir+=/d,upperdir=/u,workdir=/w", ["/a", "/b", "/d", "/u", "/w"]),
        ("rw,xino=off", []),
    ])
    func layersAreReadAsOverlayfsNamesThem(_ options: String, _ expected: [String]) {
        #expect(ForeignTreeMount.overlayLayers(Substring(options)) == expected)
    }
}
