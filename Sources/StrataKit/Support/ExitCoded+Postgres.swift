import StrataPostgres
import StrataSchema

extension PostgresError: ExitCoded {
    public var exitCode: Int32 { 3 }
}

extension EmbeddedServerError: ExitCoded {
    public var exitCode: Int32 { 3 }
}

/// A catalog query missing from the binary (or one that returns an unusable result) is an
/// environment failure wherever reflection runs (squash's proof, the stairway, drift), not a crash.
extension SchemaReflectionError: ExitCoded {
    public var exitCode: Int32 { 3 }
}
