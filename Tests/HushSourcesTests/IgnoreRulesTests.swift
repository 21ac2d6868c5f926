import XCTest

@testable import HushSources

final class IgnoreRulesTests: XCTestCase {
    func ignored(_ gitignore: String, _ path: String, directory: Bool = false, base: String = "") -> Bool {
        IgnoreStack(file: IgnoreFile(base: base, text: gitignore), parent: nil)
            .isIgnored(path: path, isDirectory: directory)
    }

    func testBasenamePatternsMatchAtAnyDepth() {
        XCTAssertTrue(ignored("*.log\n", "a/b/c.log"))
        XCTAssertTrue(ignored("*.log\n", "c.log"))
        XCTAssertFalse(ignored("*.log\n", "c.log.txt"))
    }

    func testAnchoredPatternsMatchFromTheFilesFolder() {
        XCTAssertTrue(ignored("/build\n", "build", directory: true))
        XCTAssertFalse(ignored("/build\n", "src/build", directory: true))
        XCTAssertTrue(ignored("docs/*.md\n", "docs/a.md"))
        XCTAssertFalse(ignored("docs/*.md\n", "docs/sub/a.md"))
        XCTAssertTrue(ignored("/x.txt\n", "sub/x.txt", base: "sub"))
    }

    func testDoubleStar() {
        XCTAssertTrue(ignored("**/secrets\n", "a/b/secrets"))
        XCTAssertTrue(ignored("**/secrets\n", "secrets"))
        XCTAssertTrue(ignored("logs/**\n", "logs/a/b.txt"))
        XCTAssertTrue(ignored("a/**/z\n", "a/z"))
        XCTAssertTrue(ignored("a/**/z\n", "a/b/c/z"))
        XCTAssertFalse(ignored("a/**/z\n", "b/a/z"))
    }

    func testNegationDirectoryOnlyClassesAndComments() {
        let text = "# comment\n*.env\n!keep.env\ntmp/\n[Dd]ist\n"
        XCTAssertTrue(ignored(text, "prod.env"))
        XCTAssertFalse(ignored(text, "keep.env"))
        XCTAssertTrue(ignored(text, "tmp", directory: true))
        XCTAssertFalse(ignored(text, "tmp"))
        XCTAssertTrue(ignored(text, "dist", directory: true))
        XCTAssertTrue(ignored(text, "Dist"))
        XCTAssertFalse(ignored(text, "# comment"))
    }

    func testDeeperFilesOverrideTheirParents() {
        let root = IgnoreStack(file: IgnoreFile(base: "", text: "*.env\n"), parent: nil)
        let child = IgnoreStack(file: IgnoreFile(base: "app", text: "!local.env\n"), parent: root)
        XCTAssertFalse(child.isIgnored(path: "app/local.env", isDirectory: false))
        XCTAssertTrue(child.isIgnored(path: "app/prod.env", isDirectory: false))
        XCTAssertTrue(child.isIgnored(path: "other/local.env", isDirectory: false))
    }
}
