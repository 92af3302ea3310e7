import App

try await Lvyue.main()
