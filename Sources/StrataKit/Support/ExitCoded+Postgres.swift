import StrataPostgres

extension PostgresError: ExitCoded {
    public var exitCode: Int32 { 3 }
}

extension EmbeddedServerError: ExitCoded {
    public var exitCode: Int32 { 3 }
}
