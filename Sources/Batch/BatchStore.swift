import Foundation
import GRDB
import PluginHost
import GradingModel

/// The batch's state in SQLite (`grades.sqlite` in the output folder): one row per submission and
/// one per check, written as each submission finishes, so an interrupted batch loses at most the
/// submissions in flight and a rerun grades only what is new, changed or unfinished.
public final class BatchStore {
    /// One submission's row.
    public struct Submission: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
        public static let databaseTableName = "submission"
        public var id: String
        public var hash: String
        /// `in progress`, `graded`, `not gradable` or `timed out`.
        public var status: String
        public var total: Double
        public var maximum: Double
        public var failure: String?
        public var unzipSeconds: Double
        public var compileSeconds: Double
        public var checkSeconds: Double
        public var trainingSeconds: Double
        public var wallSeconds: Double
        /// The sandbox and limits in force for this submission, one per line (`Containment.limits`).
        public var containment: String? = nil
        /// Whether its code ran in the sandbox (0: `--no-sandbox`).
        public var sandboxed: Bool? = nil
        /// Limits it reached, one per line.
        public var limitEvents: String? = nil
        /// The most memory its processes held together, and the most its judge held, in MiB.
        public var peakMemoryMiB: Double? = nil
        public var judgePeakMiB: Double? = nil
    }

    /// One check's row.
    public struct Check: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
        public static let databaseTableName = "checkResult"
        public var submission: String
        public var groupName: String
        public var name: String
        public var status: String
        public var message: String
        public var seconds: Double
    }

    let database: DatabaseQueue

    public init(path: String) throws {
        database = try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "submission") { t in
                t.primaryKey("id", .text)
                t.column("hash", .text).notNull()
                t.column("status", .text).notNull()
                t.column("total", .double).notNull()
                t.column("maximum", .double).notNull()
                t.column("failure", .text)
                t.column("unzipSeconds", .double).notNull()
                t.column("compileSeconds", .double).notNull()
                t.column("checkSeconds", .double).notNull()
                t.column("trainingSeconds", .double).notNull()
                t.column("wallSeconds", .double).notNull()
            }
            try db.create(table: "checkResult") { t in
                t.column("submission", .text).notNull().references("submission", onDelete: .cascade)
                t.column("groupName", .text).notNull()
                t.column("name", .text).notNull()
                t.column("status", .text).notNull()
                t.column("message", .text).notNull()
                t.column("seconds", .double).notNull()
                t.primaryKey(["submission", "groupName", "name"])
            }
        }
        migrator.registerMigration("v2 containment") { db in
            try db.alter(table: "submission") { t in
                t.add(column: "containment", .text)
                t.add(column: "sandboxed", .boolean)
                t.add(column: "limitEvents", .text)
                t.add(column: "peakMemoryMiB", .double)
                t.add(column: "judgePeakMiB", .double)
            }
        }
        migrator.registerMigration("v3 file stamps") { db in
            // A zip's hash with the size, modification time and inode it had: an untouched zip is
            // not read again on the next run (a 1 GiB zip took 15 s to hash, every run).
            try db.create(table: "fileStamp") { t in
                t.primaryKey("path", .text)
                t.column("size", .integer).notNull()
                t.column("modified", .integer).notNull()
                t.column("inode", .integer).notNull()
                t.column("hash", .text).notNull()
            }
        }
        migrator.registerMigration("v4 overrides") { db in
            // A TA's points for a group, kept apart from the graded rows so that no rerun or
            // regrade (which rewrites those) touches them.
            try db.create(table: "override") { t in
                t.column("submission", .text).notNull()
                t.column("groupName", .text).notNull()
                t.column("points", .double).notNull()
                t.column("comment", .text).notNull()
                t.column("setAt", .text).notNull()
                t.primaryKey(["submission", "groupName"])
            }
        }
        try migrator.migrate(database)
    }

    /// A TA's points for one group of one submission, with why.
    public struct Override: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
        public static let databaseTableName = "override"
        public var submission: String
        public var groupName: String
        public var points: Double
        public var comment: String
        /// When it was set (ISO 8601, UTC).
        public var setAt: String

        public init(submission: String, groupName: String, points: Double, comment: String, setAt: String) {
            (self.submission, self.groupName, self.points, self.comment, self.setAt) = (submission, groupName, points, comment, setAt)
        }
    }

    /// Sets (or replaces) an override.
    public func setOverride(_ override: Override) throws {
        try database.write { try override.save($0) }
    }

    /// Removes an override; false when there was none.
    public func clearOverride(submission: String, group: String) throws -> Bool {
        try database.write { try Override.deleteOne($0, key: ["submission": submission, "groupName": group]) }
    }

    /// Every override, by submission and group.
    public func overrides() throws -> [Override] {
        try database.read { try Override.order(Column("submission"), Column("groupName")).fetchAll($0) }
    }

    /// The content hash of a regular file, reused while its size, nanosecond modification time and
    /// inode are unchanged; `compute` otherwise (and remembered).
    public func fileHash(_ path: String, compute: () throws -> String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return try compute() }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let (size, inode) = (Int64(info.st_size), Int64(bitPattern: UInt64(info.st_ino)))
        if let row = try database.read({ try Row.fetchOne($0, sql: "SELECT size, modified, inode, hash FROM fileStamp WHERE path = ?", arguments: [path]) }),
           row["size"] as Int64 == size, row["modified"] as Int64 == modified, row["inode"] as Int64 == inode {
            return row["hash"]
        }
        let hash = try compute()
        try database.write {
            try $0.execute(sql: "INSERT OR REPLACE INTO fileStamp (path, size, modified, inode, hash) VALUES (?, ?, ?, ?, ?)",
                           arguments: [path, size, modified, inode, hash])
        }
        return hash
    }

    /// The stored row of a submission, if any.
    public func submission(_ id: String) throws -> Submission? {
        try database.read { try Submission.fetchOne($0, key: id) }
    }

    /// Marks a submission as being graded (a crash leaves it so, and it is graded again).
    public func markInProgress(_ id: String, hash: String) throws {
        try database.write { db in
            try Check.filter(Column("submission") == id).deleteAll(db)
            try Submission(id: id, hash: hash, status: "in progress", total: 0, maximum: 0, failure: nil, unzipSeconds: 0,
                           compileSeconds: 0, checkSeconds: 0, trainingSeconds: 0, wallSeconds: 0).save(db)
        }
    }

    /// Stores a finished submission and its checks in one transaction.
    public func record(_ submission: Submission, checks: [CheckResult]) throws {
        try database.write { db in
            // An interrupted run's last results may come from children its own interruption
            // killed: the row stays "in progress" and is graded again.
            guard !Interruption.isRequested else { throw CancellationError() }
            try Check.filter(Column("submission") == submission.id).deleteAll(db)
            try submission.save(db)
            // One row per check id, whatever a result list holds (a repeated id keeps its first result).
            var seen = Set<String>()
            for result in checks where seen.insert(result.id).inserted {
                try Check(submission: submission.id, groupName: result.group, name: result.name, status: result.status.rawValue,
                          message: result.message, seconds: result.seconds).insert(db)
            }
            FaultInjection.reached(.row, submission: submission.id)
        }
    }

    /// Every submission, by id.
    public func submissions() throws -> [Submission] {
        try database.read { try Submission.order(Column("id")).fetchAll($0) }
    }

    /// A submission's checks as results, in the order they ran.
    public func results(of id: String) throws -> [CheckResult] {
        try database.read { db in
            try Check.filter(Column("submission") == id).order(Column("rowid")).fetchAll(db).map {
                CheckResult(group: $0.groupName, name: $0.name, status: CheckStatus(rawValue: $0.status) ?? .errored,
                            message: $0.message, seconds: $0.seconds)
            }
        }
    }
}
