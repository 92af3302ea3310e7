public enum LvyueCoreVersion { public static let value = "0.1.0" }
