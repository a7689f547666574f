/// An error that knows its exit code (DESIGN §9).
public protocol ExitCoded: Error, CustomStringConvertible {
    var exitCode: Int32 { get }
}

extension StrataError: ExitCoded {}
