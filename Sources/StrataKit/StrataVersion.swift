public enum StrataVersion { public static let string = "0.1.0" }
