import Foundation

/// Reflection failures that are not the server's (those stay `PostgresError`).
public enum SchemaReflectionError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// A catalog query file is missing from the binary (`EmbeddedQueries` does not list it).
    case missingQuery(String)
    /// A catalog query returned something the reflector cannot read (a bug in the query file).
    case malformedResult(query: String, message: String)

    public var description: String {
        switch self {
        case .missingQuery(let name):
            return "the catalog query \(name).sql is not compiled into this strata binary (EmbeddedQueries lists no such file); rebuild strata"
        case .malformedResult(let query, let message):
            return "the catalog query \(query).sql returned an unusable result: \(message)"
        }
    }

    public var errorDescription: String? { description }
}
