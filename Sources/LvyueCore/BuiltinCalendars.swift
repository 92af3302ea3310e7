import Foundation

/// The calendars every installation has. `cn-workday`'s statutory data ships in
/// `Data/cn-statutory.json`; further years are imported (`HolidayImport`) into a stored definition.
public enum BuiltinCalendars {
    /// Every instant is working time. Shanghai is only the zone used to display it; no year is refused.
    public static let sevenByTwentyFour: WorkCalendar = {
        let all = Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0.rawValue, [["00:00", "24:00"]]) })
        // Built from literals that are known to be valid.
        return try! WorkCalendar(definition: CalendarDefinition(
            id: "7x24", name: "7×24", timeZone: "Asia/Shanghai", windows: all))
    }()

    /// Mon–Fri 09:00–12:00 and 13:00–18:00 in Asia/Shanghai, China's statutory holidays off and
    /// make-up days (调休) worked with the same hours; refuses years without data.
    public static let cnWorkday: WorkCalendar = {
        // The data file is part of the build; failing here is a packaging bug, not user input.
        try! WorkCalendar(definition: cnWorkdayDefinition)
    }()

    public static var all: [WorkCalendar] { [sevenByTwentyFour, cnWorkday] }

    public static func calendar(id: String) -> WorkCalendar? {
        all.first { $0.id == id }
    }

    /// The definition of `cn-workday` with the bundled statutory years merged in.
    public static let cnWorkdayDefinition: CalendarDefinition = {
        let day = [["09:00", "12:00"], ["13:00", "18:00"]]
        var definition = CalendarDefinition(
            id: "cn-workday", name: "中国工作日", timeZone: "Asia/Shanghai",
            windows: ["mon": day, "tue": day, "wed": day, "thu": day, "fri": day],
            statutoryYears: [], requiresStatutoryData: true)
        for year in bundledStatutoryData.sorted(by: { $0.year < $1.year }) {
            definition = year.merged(into: definition)
        }
        return definition
    }()

    /// The years in `Data/cn-statutory.json`.
    public static let bundledStatutoryData: [StatutoryYear] = {
        guard let url = Bundle.module.url(forResource: "cn-statutory", withExtension: "json", subdirectory: "Data")
                ?? Bundle.module.url(forResource: "cn-statutory", withExtension: "json"),
              let data = try? Data(contentsOf: url) else {
            fatalError("LvyueCore resource Data/cn-statutory.json is missing from the bundle")
        }
        do {
            return try HolidayImport.parseDataFile(data)
        } catch {
            fatalError("LvyueCore resource Data/cn-statutory.json is invalid: \(error)")
        }
    }()
}
