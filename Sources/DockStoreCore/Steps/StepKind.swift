/// The kinds of step one command applies, in the order they run. A kind's raw value is the
/// step's id, shown in brackets in the output, and its failpoint name: every failpoint list
/// (`--list-failpoints`, the crash matrices) is derived from `allCases`, never kept by hand.
public protocol StepKind: CaseIterable, RawRepresentable, Hashable, Sendable where RawValue == String, AllCases == [Self] {}

extension StepKind {
    /// The ids of every kind, in the order steps run.
    public static var ids: [String] { allCases.map(\.rawValue) }
}
