import FafangConfig
import FafangCore
import FafangDelivery
import FafangPostgres
import FafangStore
import Foundation
import Logging

/// Opens the store `[store]` names: the SQLite database of the state directory, or the county's
/// PostgreSQL (its connection string read from its file or systemd credential, migrated on
/// the way). The daemon and every CLI command open it so.
public enum StoreOpener {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `configurationDirectory`: where a credential is read outside systemd (`SecretStore`).
    public static func open(_ settings: Settings, logger: Logger,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            configurationDirectory: String? = nil) async throws -> any Store {
        switch settings.store {
        case .sqlite:
            do {
                return try SQLiteStore.open(directory: settings.stateDirectory)
            } catch {
                throw Failure(description: "\(settings.stateDirectory): cannot open the database: \(error)")
            }
        case let .postgresql(postgres):
            return try await openPostgres(postgres, logger: logger, environment: environment, configurationDirectory: configurationDirectory)
        }
    }

    /// Opens the county's PostgreSQL `[store]` describes (also the target of `fafang migrate`).
    public static func openPostgres(_ postgres: PostgresSettings, logger: Logger,
                                    environment: [String: String] = ProcessInfo.processInfo.environment,
                                    configurationDirectory: String? = nil) async throws -> PostgresStore {
        let url: Secret
        do {
            url = try SecretStore(environment: environment, configurationDirectory: configurationDirectory).load(postgres.url)
        } catch {
            throw Failure(description: "store.url: \(error)")
        }
        do {
            return try await PostgresStore.open(url: url.reveal, settings: postgres, logger: logger)
        } catch {
            throw Failure(description: "PostgreSQL (\(postgres.url)): \(PostgresStore.describe(error))")
        }
    }
}
