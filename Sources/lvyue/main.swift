import App
import Foundation

do {
    try await Lvyue.main()
} catch {
    exit(1)
}
