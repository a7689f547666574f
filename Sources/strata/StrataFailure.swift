import StrataKit

/// Errors from the library that are not `StrataError` but still have an exit code.
enum StrataFailure {
    static func describe(_ error: Error) -> (message: String, code: Int32)? {
        if let failure = error as? any ExitCoded {
            return (String(describing: failure), failure.exitCode)
        }
        return nil
    }
}
