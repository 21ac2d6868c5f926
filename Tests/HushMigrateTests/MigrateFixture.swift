import Foundation
import XCTest

/// A project with a secret in every format migrate rewrites, plus one in source code, and a vault opened by an
/// identity file from `hush keygen`. Everything lives in one temporary folder, removed by `remove()`.
final class MigrateFixture {
    let root: URL
    let hush: String
    var environment: [String: String]

    /// Relative path → original bytes.
    static let files: [String: String] = [
        "config/database.yml": """
        # Database settings
        default: &default
          adapter: postgresql
          host: db.internal

        production:
          <<: *default
          username: app
          password: Vq7mT2pxR9!kLw3z   # rotated 2025
        staging:
          password: "Hx8#nQ4rT1zMw6Yb"

        """,
        "k8s/app.yaml": """
        apiVersion: v1
        kind: Secret
        metadata:
          name: db-creds
        type: Opaque
        data:
          password: UW03I3ZYMnBMejkhd0s0dA==
          username: YXBw
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
                - name: web
                  env:
                    - name: AWS_ACCESS_KEY_ID
                      value: "AKIAQ3EGUKA7DP6MIBZQ"

        """,
        "docker-compose.yml": """
        services:
          db:
            image: postgres:16
            environment:
              - POSTGRES_PASSWORD=Zr4!kPq9Lm2xWv7N
              - POSTGRES_USER=app
          web:
            environment:
              AWS_ACCESS_KEY_ID: AKIAQ3EGUKA7DP6MIBZQ

        """,
        "config/app.json": """
        {
          "name": "shop",
          "stripe": {
            "apiKey": "f3a9c1e07b2d4e6f8a1c3e5d7b9f1a2c",
            "mode": "live"
          },
          "redis": {"url": "redis://cache:6379", "password": "Wq9#Lm4vXz7!Rt2K"}
        }

        """,
        ".env": "# local settings\r\nexport DB_PASSWORD=Tk8$wQ2mZr9!xLp4\r\n"
            + "APP_SECRET=\"sh/V0YptWLV6Xv6MDlDr996VgeTGr2/eDMVuzjc2MMQ=\"\r\nDEBUG=false\r\n",
        "config/application.properties": """
        # Spring
        spring.datasource.url=jdbc:postgresql://db/app
        spring.datasource.password = Tr0ub4dor&3xQm9
        server.port=8080

        """,
        "config/settings.ini": """
        [database]
        host = db.internal
        password = Gz7!mQ2wLx9#Rv4P

        [mail]
        smtp_password=Ny6$kR3vQ8zLm1Wx

        """,
        "config/app.toml": """
        title = "shop"

        [database]
        user = "app"
        password = "Jc5!pW8nRz3#Kq7M"

        [services.payments]
        api_token = 'Xb2@mN7qLr4!Vz9T'

        """,
        "infra/main.tf": """
        resource "aws_db_instance" "main" {
          engine   = "postgres"
          username = "app"
          password = "Pm3#xK9vQw2!Lz7R"
        }

        provider "aws" {
          access_key = "AKIAQ3EGUKA7DP6MIBZR"
          region     = "eu-west-1"
        }

        """,
        "infra/prod.tfvars": """
        db_password = "Rw8!nT4mXq2#Kv6L"
        region      = "eu-west-1"

        """,
        "Dockerfile": """
        FROM node:20
        ARG NPM_TOKEN=Hq3!vL8mZx2#Pw9K
        ENV API_SECRET=Lk4#wR9mQz2!Xv7N NODE_ENV=production
        ENV LEGACY_PASSWORD Mz7!qW2kRx9#Lv4T
        CMD ["node", "server.js"]

        """,
        "web.config": """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <appSettings>
            <add key="ApiSecret" value="Qv8#mK3xLz7!Wp2R" />
          </appSettings>
          <connectionStrings>
            <add name="Default" connectionString="Server=db;User Id=app;Password=Zx9#kLm2Qw7!Rv;" />
          </connectionStrings>
        </configuration>

        """,
        "settings.xml": """
        <settings>
          <servers>
            <server>
              <id>nexus</id>
              <username>deploy</username>
              <password>Kw5!zR8mLq3#Xv7P</password>
            </server>
          </servers>
        </settings>

        """,
        "src/client.py": """
        import requests

        API_KEY = "Fx7!kQ2mWz9#Lr4V"

        def get():
            return requests.get("https://api", headers={"X-Key": API_KEY})

        """,
    ]

    /// The config files (everything but source code).
    static var configFiles: [String] { files.keys.filter { !$0.hasPrefix("src/") }.sorted() }

    init() throws {
        hush = try Self.executable()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("hush-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        environment = [
            "HUSH_STATE_DIR": root.appendingPathComponent(".state").path,
            "XDG_CONFIG_HOME": root.appendingPathComponent(".config").path,
            "HUSH_CACHE_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("hush-migrate-cache").path,
            "HUSH_FINGERPRINT_KEY": "migrate-test-key",
            "HUSH_IDENTITY": root.appendingPathComponent(".keys/identity.txt").path,
            "HUSH_PASSPHRASE": "",
        ]
        let project = root.appendingPathComponent("project")
        for (path, text) in Self.files {
            let url = project.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent(".keys"), withIntermediateDirectories: true)
        let keygen = try run(["keygen", "-o", environment["HUSH_IDENTITY"]!])
        XCTAssertEqual(keygen.status, 0, keygen.stderr)
        let initVault = try run(["vault", "init"])
        XCTAssertEqual(initVault.status, 0, initVault.stderr)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    var project: URL { root.appendingPathComponent("project") }

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: project.appendingPathComponent(path))) }

    /// Whether every file of the project has its original bytes.
    func assertOriginals(file: StaticString = #filePath, line: UInt = #line) throws {
        for (path, text) in Self.files {
            XCTAssertEqual(
                try bytes(path), Array(text.utf8), "\(path) differs from its original", file: file, line: line)
        }
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `hush ARGS` in the project folder.
    @discardableResult
    func run(_ arguments: [String], input: String = "", extra: [String: String] = [:], executable: String? = nil)
        throws -> Output
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? hush)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment.merging(extra, uniquingKeysWith: { $1 }) { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = project
        let capture = root.appendingPathComponent(".out-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: capture + ".out", contents: nil),
            FileManager.default.createFile(atPath: capture + ".err", contents: nil)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: capture]) }
        defer {
            try? FileManager.default.removeItem(atPath: capture + ".out")
            try? FileManager.default.removeItem(atPath: capture + ".err")
        }
        process.standardOutput = FileHandle(forWritingAtPath: capture + ".out")
        process.standardError = FileHandle(forWritingAtPath: capture + ".err")
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: capture + ".out", encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: capture + ".err", encoding: .utf8)) ?? "")
    }

    /// The `hush` executable built beside the tests.
    static func executable() throws -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["HUSH_BINARY"] { candidates.append(env) }
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("hush").path)
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("hush").path)
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/hush").path)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        throw XCTSkip("hush executable not found; run `swift build` first")
    }
}
