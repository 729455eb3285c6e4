/// The figures as JSON: every one read, and those check judges that are derived from them —
/// metadata free (of the metadata chunks and the room they may still take) and effective free
/// (data free as capped by the device, a qgroup limit or the host under a thin image) — which
/// the Nagios perfdata and the Prometheus metrics carry too (attack 31 Q C2: JSON had neither).
struct FiguresWithDerived: Encodable {
    var figures: CapacityFigures

    private enum Derived: String, CodingKey { case metadataFree, effectiveFree }

    func encode(to encoder: any Encoder) throws {
        try figures.encode(to: encoder)
        var derived = encoder.container(keyedBy: Derived.self)
        if figures.filesystem == "btrfs" { try derived.encode(figures.metadataFree, forKey: .metadataFree) }
        try derived.encode(figures.effectiveFree, forKey: .effectiveFree)
    }
}
