/// The catalog query files (`Sources/StrataSchema/Queries/*.sql`), compiled into the binary with
/// SwiftPM's `.embedInCode`: an installed `strata` has no resource bundle next to it. SwiftPM
/// names each file's bytes `PackageResources.<file name, dots as underscores>` and offers no
/// list of them, so this table names every file once; `EmbeddedQueriesTests` fails when a
/// `.sql` file in the folder is missing here.
enum EmbeddedQueries {
    /// File name without `.sql` → its bytes.
    static let files: [String: [UInt8]] = [
        "_acl": PackageResources._acl_sql,
        "_closure": PackageResources._closure_sql,
        "_owner": PackageResources._owner_sql,
        "_recorder_entry": PackageResources._recorder_entry_sql,
        "_recorder_objects": PackageResources._recorder_objects_sql,
        "_recorder_relation": PackageResources._recorder_relation_sql,
        "_recorder_rows": PackageResources._recorder_rows_sql,
        "collations": PackageResources.collations_sql,
        "columns": PackageResources.columns_sql,
        "constraints": PackageResources.constraints_sql,
        "default_privileges": PackageResources.default_privileges_sql,
        "domain_constraints": PackageResources.domain_constraints_sql,
        "event_triggers": PackageResources.event_triggers_sql,
        "extensions": PackageResources.extensions_sql,
        "foreign_data_wrappers": PackageResources.foreign_data_wrappers_sql,
        "foreign_servers": PackageResources.foreign_servers_sql,
        "functions": PackageResources.functions_sql,
        "indexes": PackageResources.indexes_sql,
        "policies": PackageResources.policies_sql,
        "publications": PackageResources.publications_sql,
        "recorder_all": PackageResources.recorder_all_sql,
        "recorder_capture": PackageResources.recorder_capture_sql,
        "recorder_entries": PackageResources.recorder_entries_sql,
        "recorder_install": PackageResources.recorder_install_sql,
        "relations": PackageResources.relations_sql,
        "rules": PackageResources.rules_sql,
        "schemas": PackageResources.schemas_sql,
        "scope": PackageResources.scope_sql,
        "sequences": PackageResources.sequences_sql,
        "statistics": PackageResources.statistics_sql,
        "text_search_configurations": PackageResources.text_search_configurations_sql,
        "text_search_dictionaries": PackageResources.text_search_dictionaries_sql,
        "tracker_touched": PackageResources.tracker_touched_sql,
        "triggers": PackageResources.triggers_sql,
        "types": PackageResources.types_sql,
    ]

    /// The text of `NAME.sql`, or `nil` when it is not in the binary.
    static func text(_ name: String) -> String? {
        files[name].map { String(decoding: $0, as: UTF8.self) }
    }
}
