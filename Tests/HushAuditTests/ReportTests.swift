import Foundation
import HushRules
import HushTestSupport
import XCTest

@testable import HushAudit

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reports from the store: escaping, formats, and the HTML page in Chromium.
final class ReportTests: XCTestCase {
    var scratch: Scratch!

    override func setUpWithError() throws { scratch = try Scratch() }
    override func tearDown() { scratch.remove() }

    static let hostile = "<img src=x onerror=\"document.title='pwned'\">&amp;\u{2028}"

    func report(count: Int, hostile: Bool = true) throws -> (AuditReportData, String) {
        let store = try AuditStore(path: scratch.path + "/f.db")
        try seed(store, count: count, hostilePath: hostile ? Self.hostile : nil)
        let data = try AuditReportData.load(from: store, rules: try RuleSet.builtIn().rules)
        let file = scratch.path + "/report.html"
        try AuditReporter.render(.html, data, toolVersion: "test").write(
            toFile: file, atomically: true, encoding: .utf8)
        return (data, file)
    }

    func testHTMLIsSelfContainedAndEscapesAttackerText() throws {
        let (_, file) = try report(count: 30)
        let html = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertFalse(html.contains("<img"), "no markup from finding text")
        XCTAssertFalse(html.contains("</script><script>document"), "no script break-out")
        XCTAssertFalse(html.contains("http://"))
        XCTAssertFalse(html.contains("src=\"http"))
        XCTAssertFalse(html.contains("<link"))
        XCTAssertTrue(html.contains("Content-Security-Policy"))
        XCTAssertTrue(html.contains("<svg"))
    }

    func testCSVAndJUnitAndJSONAndSARIF() throws {
        let (data, _) = try report(count: 30)
        var tricky = data
        tricky.findings[1].path = "=HYPERLINK(\"http://x\")"
        tricky.findings[1].note = "a, \"quoted\"\nnote"
        let csv = AuditReporter.render(.csv, tricky, toolVersion: "t")
        XCTAssertTrue(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), csv)
        XCTAssertTrue(csv.contains("\"a, \"\"quoted\"\"\nnote\""))
        XCTAssertEqual(csv.components(separatedBy: "\r\n").count, 30 + 2)
        let junit = AuditReporter.render(.junit, data, toolVersion: "t")
        XCTAssertFalse(junit.contains("<img"))
        XCTAssertTrue(junit.contains("&lt;img src=x"))
        XCTAssertNoThrow(try XMLDocument(xmlString: junit))
        let json = AuditReporter.render(.json, data, toolVersion: "t")
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        XCTAssertEqual((object?["findings"] as? [Any])?.count, 30)
        XCTAssertEqual(object?["schemaVersion"] as? Int, AuditSchema.version)
        let sarif = AuditReporter.render(.sarif, data, toolVersion: "t")
        let runs =
            (try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])?["runs"] as? [[String: Any]]
        XCTAssertEqual((runs?.first?["results"] as? [Any])?.count, 30)
    }

    func testHTMLInChromiumLoadsFiltersAndSorts() throws {
        _ = try Browser.executable()
        let (data, file) = try report(count: 250)
        let profile = scratch.path + "/chrome"
        let all = try Browser.dumpDOM(file, profile: profile)
        XCTAssertFalse(all.console.contains("Uncaught"), all.console)
        let body = Browser.bodyData(all.dom)
        XCTAssertEqual(body["ready"], "1", String(all.dom.prefix(500)))
        XCTAssertEqual(body["total"], String(data.findings.count))
        XCTAssertEqual(body["shown"], "250")
        XCTAssertEqual(body["page-rows"], "100", "paginated")
        XCTAssertFalse(all.dom.contains("<img"), "the hostile path stays text")
        XCTAssertTrue(all.dom.contains("&lt;img src=x"))
        XCTAssertFalse(all.dom.contains("<title>pwned"))
        XCTAssertTrue(all.dom.contains("data-tile=\"total\"><b>250</b>"))

        let checks: [(String, Int)] = [
            ("#rule=aws-access-key-id", data.findings.filter { $0.ruleID == "aws-access-key-id" }.count),
            ("#repo=web", data.findings.filter { $0.repository == "web" }.count),
            ("#status=revoked", data.findings.filter { $0.status == .revoked }.count),
            ("#head=yes", data.findings.filter(\.presentAtHead).count),
            (
                "#repo=web&status=open&head=no",
                data.findings.filter {
                    $0.repository == "web" && $0.status == .open && !$0.presentAtHead
                }.count
            ),
        ]
        for (fragment, expected) in checks {
            XCTAssertGreaterThan(expected, 0, fragment)
            let page = try Browser.dumpDOM(file, fragment: fragment, profile: profile)
            XCTAssertEqual(Browser.bodyData(page.dom)["shown"], String(expected), fragment)
            XCTAssertFalse(page.console.contains("Uncaught"), page.console)
        }
        let byPath = try Browser.dumpDOM(file, fragment: "#sort=path&dir=desc", profile: profile)
        let last = data.findings.max { $0.path < $1.path }!
        XCTAssertEqual(Browser.bodyData(byPath.dom)["first"], last.fingerprint)
        let byDate = try Browser.dumpDOM(file, fragment: "#sort=date&dir=desc", profile: profile)
        let newest = data.findings.max { ($0.commitDate ?? 0) < ($1.commitDate ?? 0) }!
        XCTAssertEqual(Browser.bodyData(byDate.dom)["first"], newest.fingerprint)
    }

    /// Size and load time with 50,000 findings (printed; see docs/audit-store.md).
    func testFiftyThousandFindingsStayFast() throws {
        _ = try Browser.executable()
        let started = Date()
        let (data, file) = try report(count: 50_000, hostile: false)
        let rendered = Date().timeIntervalSince(started)
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let empty = scratch.path + "/empty.html"
        try "<!DOCTYPE html><html><body>empty</body></html>".write(toFile: empty, atomically: true, encoding: .utf8)
        let startupStart = Date()
        _ = try Browser.dumpDOM(empty, profile: scratch.path + "/c")
        let startup = Date().timeIntervalSince(startupStart)
        let loadStart = Date()
        let page = try Browser.dumpDOM(
            file, fragment: "#rule=aws-access-key-id&sort=path", profile: scratch.path + "/c")
        let load = Date().timeIntervalSince(loadStart)
        let body = Browser.bodyData(page.dom)
        XCTAssertEqual(body["total"], "50000")
        XCTAssertEqual(body["shown"], String(data.findings.filter { $0.ruleID == "aws-access-key-id" }.count))
        XCTAssertFalse(page.console.contains("Uncaught"))
        print(
            String(
                format: "MEASURE 50k findings: store+render %.2fs, HTML %.1f MB, chromium load+filter+sort %.2fs "
                    + "(an empty page: %.2fs)", rendered, Double(size) / 1_000_000, load, startup))
        XCTAssertLessThan(size, 40_000_000)
        XCTAssertLessThan(load, 30)
    }
}
