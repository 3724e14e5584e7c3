import { strict as assert } from "node:assert";
import {
    describeType,
    descriptionProblem,
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    nameProblem,
    orgProblem,
} from "../../src/api/rules";

describe("rules: pool names", () => {
    it("accepts names the console accepts: spaces, slashes, punctuation and any script inside", () => {
        for (const name of [
            "production",
            "a",
            "prod runners",
            "team/prod",
            "prod (eu-west-1)",
            "生产",
            "x".repeat(255),
        ]) {
            assert.equal(nameProblem(name), undefined, JSON.stringify(name));
        }
    });

    it("refuses an empty or blank name, with an example", () => {
        for (const name of ["", " ", "\t \n"]) {
            assert.equal(nameProblem(name), 'must not be empty: give the pool a name, e.g. "production"');
        }
    });

    it("refuses a name over 255 characters, saying how long it is", () => {
        assert.equal(MAX_NAME_LENGTH, 255);
        assert.equal(nameProblem("x".repeat(256)), "is 256 characters long; the limit is 255");
    });

    it("refuses control characters anywhere, and white space at either end", () => {
        for (const name of ["a\tb", "a\nb", "a\u0000b", "a\u007fb", "a\u0085b"]) {
            assert.equal(nameProblem(name), "must not contain control characters such as tabs or newlines");
        }
        assert.equal(nameProblem(" prod"), "must not start or end with white space");
        assert.equal(nameProblem("prod "), "must not start or end with white space");
    });

    it("refuses what is not a string, naming what it is", () => {
        assert.equal(nameProblem(5), "must be a string, not a number (5)");
        assert.equal(nameProblem(undefined), 'is required: give the pool a name, e.g. "production"; nothing was given');
        assert.equal(nameProblem(null), "must be a string, not null");
        assert.equal(nameProblem(["prod"]), "must be a string, not a list");
    });
});

describe("rules: descriptions", () => {
    it("accepts any text up to 2048 characters, empty and multi-line included", () => {
        assert.equal(MAX_DESCRIPTION_LENGTH, 2048);
        for (const d of ["", "Prod runners", "line 1\nline 2\ttabbed", "x".repeat(2048)]) {
            assert.equal(descriptionProblem(d), undefined, JSON.stringify(d.slice(0, 20)));
        }
    });

    it("refuses text over 2048 characters, and what is not a string", () => {
        assert.equal(descriptionProblem("x".repeat(2049)), "is 2049 characters long; the limit is 2048");
        assert.equal(descriptionProblem(false), "must be a string, not a boolean");
        assert.equal(descriptionProblem({}), "must be a string, not an object");
    });
});

describe("rules: organization names", () => {
    it("accepts org names as Pulumi Cloud has them", () => {
        for (const org of ["acme", "acme-corp", "Acme_Corp.2", "a"]) {
            assert.equal(orgProblem(org), undefined, org);
        }
    });

    it("refuses an empty org with an example, and '.' and '..', which no URL path can carry", () => {
        assert.equal(
            orgProblem(""),
            'must not be empty: give the Pulumi Cloud organization that owns the pool, e.g. "acme"',
        );
        assert.equal(orgProblem("  "), orgProblem(""));
        assert.equal(orgProblem("."), 'cannot be "."');
        assert.equal(orgProblem(".."), 'cannot be ".."');
    });

    it("refuses white space at either end and control characters", () => {
        for (const org of [" acme", "acme ", "ac\nme", "ac\tme"]) {
            assert.equal(orgProblem(org), "must not contain white space at either end or control characters");
        }
        assert.equal(orgProblem(42), "must be a string, not a number (42)");
    });
});

describe("rules: describeType", () => {
    it("names a value's kind for messages", () => {
        assert.deepEqual([undefined, null, [], {}, "s", 1, true, 1n, () => 0].map(describeType), [
            "nothing",
            "null",
            "a list",
            "an object",
            "a string",
            "a number",
            "a boolean",
            "a bigint",
            "a function",
        ]);
    });
});
