import FafangConfig
import FafangDelivery

extension TemplateContext.Settings {
    /// The values templates quote, from the configuration's settings.
    public init(_ settings: FafangConfig.Settings) {
        self.init(townshipName: settings.townshipName, hotline: settings.hotline, timeZone: settings.timeZone)
    }
}
